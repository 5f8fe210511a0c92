/** The Calibrate screen's state: the last leave-one-out run and the threshold being chosen. */
import type { Res } from '../../../src/api/contract';
import { api, errorText } from './api';
import { app } from './app.svelte';
import { thresholdForFar } from '../../../src/eval/metrics';
import { ratesAt, type ThresholdChoice } from './calibration';

export type CalibrationResult = Res<'calibrate'>;

export class Calibration {
  #result = $state.raw<CalibrationResult | null>(null);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #mode = $state<'recommended' | 'far'>('recommended');
  #targetFarPct = $state(1);
  #applying = $state(false);
  #confirming = $state(false);

  get result(): CalibrationResult | null {
    return this.#result;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  get mode(): 'recommended' | 'far' {
    return this.#mode;
  }
  set mode(m: 'recommended' | 'far') {
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
  /** The confirm step is open: the choice rests on thin evidence, or on a rate the user typed. */
  get confirming(): boolean {
    return this.#confirming;
  }

  /** Why applying the current choice needs a yes (empty: it does not). */
  cautions = $derived.by((): string[] => {
    const r = this.#result;
    if (!r) return [];
    const out = [...r.advice.reasons];
    if (this.#mode === 'far')
      out.push("A threshold chosen for a false-accept rate follows these trials alone, not the model's validated threshold: a speaker's takes from one sitting can make it too strict.");
    return out;
  });

  /** The threshold the current choice gives, with its error rates on these trials. */
  chosen = $derived.by((): ThresholdChoice | null => {
    const r = this.#result;
    if (!r || r.nontargetScores.length === 0 || r.targetScores.length === 0) return null;
    if (this.#mode === 'recommended') return { threshold: r.advice.threshold, ...r.advice.rates };
    const far = Math.max(0, Math.min(100, Number(this.#targetFarPct) || 0)) / 100;
    const p = thresholdForFar(r.targetScores, r.nontargetScores, far);
    return { threshold: p.threshold, far: p.pfa, frr: p.pmiss };
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

  /** Applies the choice, after the confirm step when `cautions` has anything to say. */
  async apply(confirmed = false): Promise<void> {
    const c = this.chosen;
    if (!c) return;
    if (this.cautions.length > 0 && !confirmed) {
      this.#confirming = true;
      return;
    }
    this.#confirming = false;
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

  cancelConfirm(): void {
    this.#confirming = false;
  }
}

export const calibration = new Calibration();
