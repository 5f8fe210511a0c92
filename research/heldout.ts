/**
 * What research/probe-backend.ts and research/probe-fusion.ts share: the model's train/validation
 * speaker split (re-derived from the seeded split its card records), and trials shaped like the dev
 * lists (enroll 3 recordings, test another), clean and through the simulated telephone channel:
 * on the validation speakers (held-out train speakers) and on the five dev lists (report only).
 */
import { join } from 'node:path';
import { loadTrials } from '../src/eval/evaluate';
import type { ModelCard } from '../src/model/card';
import { listTrainingData, type Utterance } from '../src/train/data';
import { TrainOptionsSchema } from '../src/train/options';
import { splitValidation } from '../src/train/trainer';
import { pickDistinct, type Rng } from '../src/util/rng';

export const DATA = '../shared/data';
export type Cond = 'clean' | 'telephone';
export const CONDS: Cond[] = ['clean', 'telephone'];
export const DEV_LISTS = ['dsp', 'libri', 'arabic', 'sc', 'so'];

export interface Trial<S> {
  enroll: S[];
  test: S;
  target: boolean;
  group: string;
}

export const bySpeaker = (us: Utterance[]) => {
  const m = new Map<string, Utterance[]>();
  for (const u of us) m.set(u.speaker, [...(m.get(u.speaker) ?? []), u]);
  return m;
};

/** The model's train and validation utterances. */
export function modelSplit(card: ModelCard): { train: Utterance[]; val: Utterance[] } {
  const splits = join(DATA, 'splits.json');
  const opts = TrainOptionsSchema.parse({ ...(card.training.options ?? {}), data: DATA, splits });
  return splitValidation(listTrainingData(DATA, splits), opts);
}

/** Validation trials: per corpus and condition, at least 8 per speaker (about 200 per corpus), half target. */
export async function validationTrials<S>(val: Utterance[], side: (path: string, cond: Cond) => Promise<S>, rng: Rng): Promise<Trial<S>[]> {
  const out: Trial<S>[] = [];
  const vspk = [...bySpeaker(val).values()].filter((u) => u.length >= 4);
  for (const cond of CONDS) {
    for (const corpus of [...new Set(vspk.map((u) => u[0].corpus))].sort()) {
      const spks = vspk.filter((u) => u[0].corpus === corpus);
      for (const us of spks) {
        for (let t = 0; t < Math.max(8, Math.ceil(200 / spks.length)); t++) {
          const pick = pickDistinct(us.length, 4, rng).map((i) => us[i]);
          const enroll = await Promise.all(pick.slice(0, 3).map((u) => side(u.path, cond)));
          const group = `${corpus}/${cond}`;
          out.push({ enroll, test: await side(pick[3].path, cond), target: true, group });
          const others = spks.filter((o) => o !== us);
          const o = others[rng.int(others.length)];
          out.push({ enroll, test: await side(o[rng.int(o.length)].path, cond), target: false, group });
        }
      }
    }
  }
  return out;
}

/** The dev lists' trials, as recorded and through the telephone channel (keys `dsp`, `dsp-tel`, ...). */
export async function devTrials<S>(side: (path: string, cond: Cond) => Promise<S>): Promise<Record<string, Trial<S>[]>> {
  const dev: Record<string, Trial<S>[]> = {};
  for (const l of DEV_LISTS) {
    for (const cond of CONDS) {
      const ts: Trial<S>[] = [];
      for (const t of loadTrials({ trialsFile: join(DATA, `${l}-dev.trials.txt`) }))
        ts.push({ enroll: await Promise.all(t.enroll.map((p) => side(p, cond))), test: await side(t.test, cond), target: t.label === 1, group: l });
      dev[`${l}${cond === 'telephone' ? '-tel' : ''}`] = ts;
    }
  }
  return dev;
}
