export { LiveEmbedding, LIVE_HOP_FRAMES, LIVE_WINDOW_FRAMES, type EmbeddingUpdate } from './embedding';
export { StreamingVad } from './vad';
export { DEFAULT_EARLY_RULE, earlyDecision, earlyMargin, type EarlyRule } from './decision';
export {
  LiveIdentifySession,
  LiveVerifySession,
  type LiveCandidate,
  type LiveDecision,
  type LiveIdentifyUpdate,
  type LiveScore,
  type LiveVerifyUpdate,
} from './session';
