/** IPC for listing, switching and rolling back models (profiles are re-embedded). */
import { registerFeature, type MainContext } from '../context';

export function registerModels(ctx: MainContext): void {
  registerFeature(ctx, 'models');
}
