/**
 * The rate every recording is resampled to, and the rate the VAD and the MFCCs assume. Part of
 * the front end (./front-end.ts, which re-exports it); on its own here so that code needing only
 * the number (WAV encoding, the renderer's recorder) does not load zod and the front end's schemas.
 */
export const SAMPLE_RATE = 16000;
