/** IPC for verify and identify. */
import { registerFeature, type MainContext } from '../context';

export function registerVerify(ctx: MainContext): void {
  registerFeature(ctx, 'verify');
}
