/** App-wide state: the screen shown, what the core says about itself, and the speaker list. */
import type { Res, SpeakerSummary } from '../../../src/api/contract';
import { api, errorText } from './api';

export type Screen = 'speakers' | 'enroll' | 'verify' | 'identify' | 'calibrate' | 'finetune' | 'settings';
export type Info = Res<'getInfo'>;

export interface Notice {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export class AppState {
  #screen = $state<Screen>('speakers');
  #info = $state<Info | null>(null);
  #speakers = $state<SpeakerSummary[]>([]);
  #loaded = $state(false);
  #loadError = $state<string | null>(null);
  #notices = $state<Notice[]>([]);
  #nextNotice = 1;

  get screen(): Screen {
    return this.#screen;
  }
  get info(): Info | null {
    return this.#info;
  }
  get speakers(): SpeakerSummary[] {
    return this.#speakers;
  }
  get loaded(): boolean {
    return this.#loaded;
  }
  get loadError(): string | null {
    return this.#loadError;
  }
  get notices(): Notice[] {
    return this.#notices;
  }
  speakerNames = $derived(this.#speakers.map((s) => s.name));
  staleCount = $derived(this.#speakers.filter((s) => s.stale).length);
  threshold = $derived(this.#info?.threshold ?? 0);

  go(screen: Screen): void {
    this.#screen = screen;
  }

  async refresh(): Promise<void> {
    try {
      const [info, list] = await Promise.all([api.getInfo({}), api.listSpeakers({})]);
      this.#info = info;
      this.#speakers = list.speakers;
      this.#loadError = null;
    } catch (e) {
      this.#loadError = errorText(e);
    } finally {
      this.#loaded = true;
    }
  }

  async refreshSpeakers(): Promise<void> {
    this.#speakers = (await api.listSpeakers({})).speakers;
  }

  /**
   * A store threshold was set (src/engine.ts verifyDecision): a cosine one replaces the calibrated
   * decision; an llr one replaces only its threshold.
   */
  async setThresholdLocally(t: number, scale: 'cosine' | 'llr' = 'cosine'): Promise<void> {
    const info = this.#info;
    if (!info) return;
    if (scale === 'cosine') this.#info = { ...info, threshold: t, calibratedDecision: undefined };
    else if (info.calibratedDecision) this.#info = { ...info, calibratedDecision: { ...info.calibratedDecision, llrThreshold: t, fromStore: true } };
    else await this.refresh(); // a cosine threshold decided until now: the core knows the rest
  }

  notify(text: string, kind: Notice['kind'] = 'ok'): void {
    const id = this.#nextNotice++;
    this.#notices = [...this.#notices, { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 9000 : 4500);
  }

  dismiss(id: number): void {
    this.#notices = this.#notices.filter((n) => n.id !== id);
  }
}

export const app = new AppState();
