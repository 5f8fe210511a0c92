/**
 * A speaker as the engine lists it (src/engine.ts) and the contract sends it to the app: who, how
 * much speech stands behind the voiceprint, and with which model it was made.
 */
import { z } from 'zod';

export const SpeakerSummary = z.object({
  id: z.string(),
  name: z.string(),
  utterances: z.number().int().nonnegative(),
  speechSec: z.number().nonnegative(),
  modelId: z.string(),
  createdAt: z.string(),
  /** Enrolled with another model than the one in use: re-embedded before any comparison. */
  stale: z.boolean(),
});
export type SpeakerSummary = z.infer<typeof SpeakerSummary>;
