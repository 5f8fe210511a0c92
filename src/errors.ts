/**
 * Errors a user can cause. Each carries a stable `code` (for the CLI's exit status, the API's
 * error payloads and tests) and a message that says what was wrong and what to do about it.
 * Internal invariants use `assert` instead; their message is built only on failure.
 */
export type ErrorCode =
  | 'NOT_AUDIO'
  | 'TRUNCATED'
  | 'UNSUPPORTED_ENCODING'
  | 'EMPTY_AUDIO'
  | 'NON_FINITE_SAMPLES'
  | 'TOO_LONG'
  | 'TOO_LITTLE_SPEECH'
  | 'FILE_NOT_FOUND'
  | 'BAD_ARGUMENT'
  | 'UNKNOWN_SPEAKER'
  | 'SPEAKER_EXISTS'
  | 'NO_MODEL'
  | 'MODEL_MISMATCH'
  | 'MODEL_FORMAT'
  | 'STORE_CORRUPT'
  | 'STORE_LOCKED'
  | 'STORE_VERSION'
  | 'NOT_ENOUGH_DATA'
  | 'BACKEND_UNAVAILABLE'
  | 'NEEDS_CONFIRMATION'
  | 'CANCELLED'
  | 'UNAUTHORIZED'
  | 'INTERNAL';

export class VoxprintError extends Error {
  readonly code: ErrorCode;
  /** The file or object the error is about, when there is one. */
  readonly subject?: string;

  constructor(code: ErrorCode, message: string, options?: { subject?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.subject = options?.subject;
  }

  toJSON(): { code: ErrorCode; message: string; subject?: string } {
    return { code: this.code, message: this.message, ...(this.subject ? { subject: this.subject } : {}) };
  }
}

/** Audio that cannot be decoded or used: bad bytes, bad header, silence, NaNs, too long/short. */
export class AudioDecodeError extends VoxprintError {}
/** A request, option or CLI argument that fails validation. */
export class InvalidArgumentError extends VoxprintError {
  constructor(message: string, options?: { subject?: string; cause?: unknown }) {
    super('BAD_ARGUMENT', message, options);
  }
}
/** Problems with the profile store (missing speaker, corruption, locking, versions). */
export class StoreError extends VoxprintError {}
/** Problems with a model folder (missing, wrong format, feature mismatch). */
export class ModelError extends VoxprintError {}
/**
 * The TensorFlow.js runtime could not start or failed underneath a model (not the model folder's
 * fault): the message says which backend and what to try instead.
 */
export class BackendError extends VoxprintError {
  constructor(message: string, options?: { subject?: string; cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}
/** Raised when the user cancels a long operation (training, fine-tuning, evaluation). */
export class CancelledError extends VoxprintError {
  constructor(what = 'The operation') {
    super('CANCELLED', `${what} was cancelled.`);
  }
}

/** Throws an internal error if `cond` is false; `msg` is only evaluated on failure. */
export function assert(cond: unknown, msg: () => string): asserts cond {
  if (!cond) throw new VoxprintError('INTERNAL', `Internal error: ${msg()}`);
}

/** True for errors that a user caused and should see in words (exit code 2), not as a crash. */
export function isUserError(e: unknown): e is VoxprintError {
  return e instanceof VoxprintError && e.code !== 'INTERNAL';
}
