/**
 * The takes gathered for one enrollment (or one verify/identify probe): each keeps its bytes for
 * sending, a blob URL for replay, its waveform, and the core's quality report.
 */
import type { TakeReport } from '../../../src/api/contract';
import { api, errorText } from './api';
import { decodeEnvelope, mimeFor, type AudioIn } from './audio-files';

export interface TakeItem {
  id: number;
  audio: AudioIn;
  source: 'mic' | 'file';
  url: string;
  durationSec: number | null;
  envelope: Float32Array | null;
  report: TakeReport | null;
  assessing: boolean;
  error: string | null;
}

export class TakeList {
  #items = $state<TakeItem[]>([]);
  #next = 1;

  get items(): TakeItem[] {
    return this.#items;
  }
  /** Seconds of speech in the takes the core found usable. */
  speechSec = $derived(this.#items.reduce((s, t) => s + (t.report?.usable ? t.report.speechSec : 0), 0));
  usable = $derived(this.#items.filter((t) => t.report?.usable));
  busy = $derived(this.#items.some((t) => t.assessing));

  /** Adds a take and asks the core how good it is. */
  async add(audio: AudioIn, source: TakeItem['source'], envelope: Float32Array | null = null): Promise<void> {
    const id = this.#next++;
    const url = URL.createObjectURL(new Blob([audio.bytes.slice()], { type: mimeFor(audio.name) }));
    this.#items.push({ id, audio, source, url, durationSec: null, envelope, report: null, assessing: true, error: null });
    if (!envelope) {
      void decodeEnvelope(audio.bytes).then((env) => this.#patch(id, { envelope: env }));
    }
    try {
      const report = await api.assessTake({ audio });
      this.#patch(id, { report, durationSec: report.durationSec, assessing: false });
    } catch (e) {
      this.#patch(id, { error: errorText(e), assessing: false });
    }
  }

  #patch(id: number, changes: Partial<TakeItem>): void {
    const item = this.#items.find((t) => t.id === id);
    if (item) Object.assign(item, changes);
  }

  discard(id: number): void {
    const item = this.#items.find((t) => t.id === id);
    if (item) URL.revokeObjectURL(item.url);
    this.#items = this.#items.filter((t) => t.id !== id);
  }

  clear(): void {
    for (const t of this.#items) URL.revokeObjectURL(t.url);
    this.#items = [];
  }
}
