/**
 * AudioWorklet that hands the microphone's samples to the page in blocks of ~64 ms, so that the
 * page can keep the take, draw the level meter and the waveform while recording.
 */
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

const BLOCK = 1024;

class TakeRecorder extends AudioWorkletProcessor {
  #buf = new Float32Array(BLOCK);
  #n = 0;

  process(inputs: Float32Array[][]): boolean {
    const ch = inputs[0]?.[0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      this.#buf[this.#n++] = ch[i];
      if (this.#n === BLOCK) {
        this.port.postMessage(this.#buf, [this.#buf.buffer]);
        this.#buf = new Float32Array(BLOCK);
        this.#n = 0;
      }
    }
    return true;
  }
}

void sampleRate;
registerProcessor('voxprint-take-recorder', TakeRecorder);
