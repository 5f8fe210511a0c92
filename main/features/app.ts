/** IPC for app info and job cancellation. */
import { registerFeature, type MainContext } from '../context';

export function registerApp(ctx: MainContext): void {
  registerFeature(ctx, 'app');
}
