/** IPC for take quality checks and enrollment. */
import { registerFeature, type MainContext } from '../context';

export function registerEnroll(ctx: MainContext): void {
  registerFeature(ctx, 'enroll');
}
