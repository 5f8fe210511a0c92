/** IPC for the speaker list: rename, delete, export and import. */
import { registerFeature, type MainContext } from '../context';

export function registerSpeakers(ctx: MainContext): void {
  registerFeature(ctx, 'speakers');
}
