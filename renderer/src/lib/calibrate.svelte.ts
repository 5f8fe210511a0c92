/** The Calibrate screen's state: the last leave-one-out run and the threshold being chosen. */
import type { Res } from '../../../src/api/contract';
import { api, errorText } from './api';
import { app } from './app.svelte';
import { ratesAt, thresholdForFar, type ThresholdChoice } from './calibration';

export type CalibrationResult = Res<'calibrate'>;

export class Calibration {
  #result = $state.raw<CalibrationResult | null>(null);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #mode = $state<'eer' | 'far'>('eer');
  #targetFarPct = $state(1);
  #applying = $state(false);

  get result(): CalibrationResult | null {
    return this.#result;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get mode(): 'eer' | 'far' {
    return this.#mode;
  }
  set mode(m: 'eer' | 'far') {
    this.#mode = m;
  }
  get targetFarPct(): number {
    return this.#targetFarPct;
  }
  set targetFarPct(v: number) {
    this.#targetFarPct = v;
  }
  get applying(): boolean {
    return this.#applying;
  }

  /** The threshold the current choice gives, with its error rates on these trials. */
  chosen = $derived.by((): ThresholdChoice | null => {
    const r = this.#result;
    if (!r || r.nontargetScores.length === 0 || r.targetScores.length === 0) return null;
    if (this.#mode === 'eer') return ratesAt(r.eerThreshold, r.targetScores, r.nontargetScores);
    const far = Math.max(0, Math.min(100, Number(this.#targetFarPct) || 0)) / 100;
    return thresholdForFar(far, r.targetScores, r.nontargetScores);
  });

  /** Rates at the threshold in use now. */
  current = $derived.by((): ThresholdChoice | null => {
    const r = this.#result;
    if (!r || !app.info) return null;
    return ratesAt(app.info.threshold, r.targetScores, r.nontargetScores);
  });

  async run(): Promise<void> {
    this.#busy = true;
    this.#error = null;
    try {
      this.#result = await api.calibrate({});
    } catch (e) {
      this.#error = errorText(e);
    } finally {
      this.#busy = false;
    }
  }

  async apply(): Promise<void> {
    const c = this.chosen;
    if (!c) return;
    this.#applying = true;
    this.#error = null;
    try {
      const t = Math.max(-1, Math.min(1, c.threshold));
      const { threshold } = await api.setThreshold({ threshold: t });
      app.setThresholdLocally(threshold);
      app.notify(`Threshold set to ${threshold.toFixed(3)}.`);
    } catch (e) {
      this.#error = errorText(e);
    } finally {
      this.#applying = false;
    }
  }
}

export const calibration = new Calibration();
