/**
 * Inputs that once broke the decoders, rebuilt from the seed files by an explicit edit (so they
 * do not depend on the random generator staying the same). They run as cases x0, x1, ... in
 * every fuzz run. Each entry says what it broke and which commit fixed it.
 */
export interface Regression {
  name: string;
  /** The seed file (Seed.name) it is made from. */
  seed: string;
  why: string;
  apply(b: Uint8Array): void;
}

const setU32 = (b: Uint8Array, at: number, v: number) => new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

export const REGRESSIONS: Regression[] = [
  {
    name: 'vorbis-rate-134MHz',
    seed: 'speech-44k-stereo.ogg',
    why: 'one bit flip (fuzz seed 1, r479) made the Vorbis header claim 134,261,828 Hz; the resampler then built a 10 GB kernel and never finished',
    apply: (b) => void (b[43] ^= 1 << 3),
  },
  {
    name: 'vorbis-rate-33MHz',
    seed: 'speech-44k-stereo.ogg',
    why: 'the same with 33,598,532 Hz (fuzz seed 1, r909)',
    apply: (b) => void (b[43] ^= 1 << 1),
  },
  {
    name: 'wav-rate-767999',
    seed: '00000001-backward-01.wav',
    why: 'an odd rate inside the accepted WAV range: the resampler built a 230 MB kernel (6 s) for 16,000 samples',
    apply: (b) => setU32(b, 24, 767999),
  },
  {
    name: 'wav-rate-96001',
    seed: 'pcm16-stereo-44k.wav',
    why: 'a near-standard odd rate: a 29 MB kernel, 0.7 s, for every such file',
    apply: (b) => setU32(b, 24, 96001),
  },
];
