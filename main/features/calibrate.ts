/** IPC for leave-one-out calibration and the threshold. */
import { registerFeature, type MainContext } from '../context';

export function registerCalibrate(ctx: MainContext): void {
  registerFeature(ctx, 'calibrate');
}
