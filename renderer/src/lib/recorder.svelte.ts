/**
 * Microphone recording: device list, a live level and waveform while recording, and the take as
 * 16 kHz mono samples when it stops. An AudioWorklet collects the samples; the AudioContext runs
 * at 16 kHz so the browser resamples and the takes we send stay small.
 */
import workletUrl from './recorder-worklet?worker&url';
import { SAMPLE_RATE } from '../../../src/features/sample-rate';

/** Takes are recorded at the front end's rate, so the core never resamples them. */
export const RECORD_RATE = SAMPLE_RATE;
/** A take stops by itself after this long. */
export const MAX_TAKE_SEC = 60;

export interface InputDevice {
  id: string;
  label: string;
}

export interface Take {
  samples: Float32Array;
  sampleRate: number;
}

export class Recorder {
  #devices = $state<InputDevice[]>([]);
  #deviceId = $state('');
  #recording = $state(false);
  #starting = $state(false);
  #levelDb = $state(-90);
  #elapsed = $state(0);
  /** [min, max] per 64 ms block of the take being recorded. */
  #envelope = $state.raw<Float32Array>(new Float32Array(0));

  #ctx: AudioContext | null = null;
  #stream: MediaStream | null = null;
  #node: AudioWorkletNode | null = null;
  #chunks: Float32Array[] = [];
  #length = 0;
  #onAutoStop: (() => void) | null = null;
  #onSamples: ((block: Float32Array) => void) | null = null;

  get devices(): InputDevice[] {
    return this.#devices;
  }
  get deviceId(): string {
    return this.#deviceId;
  }
  set deviceId(id: string) {
    this.#deviceId = id;
  }
  get recording(): boolean {
    return this.#recording;
  }
  get starting(): boolean {
    return this.#starting;
  }
  /** RMS level of the last block in dBFS. */
  get levelDb(): number {
    return this.#levelDb;
  }
  /** 0..1 for a meter: -60 dBFS is empty, 0 dBFS is full. */
  level = $derived(Math.max(0, Math.min(1, (this.#levelDb + 60) / 60)));
  get elapsed(): number {
    return this.#elapsed;
  }
  get envelope(): Float32Array {
    return this.#envelope;
  }

  /** Lists the audio inputs; labels only appear once the page has had microphone access. */
  async refreshDevices(): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const all = await navigator.mediaDevices.enumerateDevices();
    this.#devices = all
      .filter((d) => d.kind === 'audioinput')
      .map((d, i) => ({ id: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
    if (this.#deviceId && !this.#devices.some((d) => d.id === this.#deviceId)) this.#deviceId = '';
  }

  /**
   * Opens the chosen microphone and starts a take; `onAutoStop` runs if it hits the length cap,
   * `onSamples` gets every block as it arrives (live scoring).
   */
  async start(onAutoStop?: () => void, onSamples?: (block: Float32Array) => void): Promise<void> {
    if (this.#recording || this.#starting) return;
    this.#starting = true;
    try {
      if (!navigator.mediaDevices?.getUserMedia) {
        throw new Error('This window cannot use a microphone. Drop an audio file instead.');
      }
      this.#stream = await navigator.mediaDevices.getUserMedia({
        audio: {
          deviceId: this.#deviceId ? { exact: this.#deviceId } : undefined,
          channelCount: 1,
          // Processing meant for calls changes the voice; we want it as it is.
          echoCancellation: false,
          noiseSuppression: false,
          autoGainControl: false,
        },
      });
      this.#ctx = new AudioContext({ sampleRate: RECORD_RATE });
      await this.#ctx.audioWorklet.addModule(workletUrl);
      const source = this.#ctx.createMediaStreamSource(this.#stream);
      this.#node = new AudioWorkletNode(this.#ctx, 'voxprint-take-recorder', { numberOfOutputs: 0 });
      this.#chunks = [];
      this.#length = 0;
      this.#envelope = new Float32Array(0);
      this.#elapsed = 0;
      this.#node.port.onmessage = (ev: MessageEvent<Float32Array>) => this.#onBlock(ev.data);
      source.connect(this.#node);
      this.#onAutoStop = onAutoStop ?? null;
      this.#onSamples = onSamples ?? null;
      this.#recording = true;
      void this.refreshDevices();
    } catch (e) {
      await this.#close();
      throw e;
    } finally {
      this.#starting = false;
    }
  }

  #onBlock(block: Float32Array): void {
    if (!this.#recording) return;
    this.#chunks.push(block);
    this.#length += block.length;
    this.#onSamples?.(block);
    let sum = 0;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < block.length; i++) {
      const v = block[i];
      sum += v * v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.#levelDb = 10 * Math.log10(sum / block.length + 1e-9);
    const env = new Float32Array(this.#envelope.length + 2);
    env.set(this.#envelope);
    env[env.length - 2] = lo;
    env[env.length - 1] = hi;
    this.#envelope = env;
    this.#elapsed = this.#length / RECORD_RATE;
    if (this.#elapsed >= MAX_TAKE_SEC && this.#onAutoStop) {
      const cb = this.#onAutoStop;
      this.#onAutoStop = null;
      cb();
    }
  }

  /** Ends the take and returns its samples. */
  async stop(): Promise<Take> {
    const out = new Float32Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    await this.#close();
    return { samples: out, sampleRate: RECORD_RATE };
  }

  /** Drops the take being recorded. */
  async cancel(): Promise<void> {
    await this.#close();
  }

  async #close(): Promise<void> {
    this.#recording = false;
    this.#onSamples = null;
    this.#levelDb = -90;
    this.#node?.port.close();
    this.#node?.disconnect();
    this.#node = null;
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = null;
    const ctx = this.#ctx;
    this.#ctx = null;
    this.#chunks = [];
    this.#length = 0;
    if (ctx && ctx.state !== 'closed') await ctx.close().catch(() => {});
  }
}
