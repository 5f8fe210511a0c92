// Meyda ships typings only for its ESM build, whose extensionless relative imports plain Node
// cannot resolve. We import its CommonJS build (dist/node) instead and declare what we use.
declare module 'meyda/dist/node/utilities.js' {
  /** [numFilters][bufferSize/2 + 1] triangular weights, 0 Hz to Nyquist, Meyda's mel formula. */
  export function createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
}
declare module 'meyda/dist/node/windowing.js' {
  export function hamming(size: number): Float32Array;
  export function hanning(size: number): Float32Array;
}
declare module 'meyda/dist/node/extractors/mfcc.js' {
  /** Meyda's MFCC extractor: log(1 + mel energies), then an unnormalised DCT-II (scale 2). */
  export default function mfcc(args: {
    ampSpectrum: Float32Array;
    melFilterBank: number[][];
    numberOfMFCCCoefficients: number;
    bufferSize: number;
  }): number[];
}
