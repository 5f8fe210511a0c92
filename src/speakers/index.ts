export { ProfileStore, MAX_IMPORT_BYTES, type NewUtterance, type StoreProblem, type StoreOptions, type Profile, type Utterance } from './store';
export { CentroidIndex, cosine, l2normalize, verifyScore, identifyScore, type Candidate, type IdentifyResult, type VerifyDecision } from './scoring';
export { normalizeName, nameKey, MAX_NAME_CHARS } from './names';
export { defaultStoreDir, defaultCacheDir } from './home';
export { StoreLock, withLock, type LockOptions } from './lock';
export { STORE_VERSION } from './schema';
