/**
 * `npm run bench --quick` runs end to end and reports every figure as a number. It asserts no
 * timing: the machine running CI is not the one the targets are for.
 */
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../src/backend';
import { formatBench } from '../../src/bench/format';
import { runBench, TARGETS, type BenchResult } from '../../src/bench/run';
import { benchFeatures } from '../../scripts/bench-features';

const REQUIRED = [
  'mfccMsPerAudioSecond',
  'decodeMsPerAudioSecond',
  'embedRtf3s',
  'embedRtf30s',
  'verifyMsMedian',
  'verifyMsP95',
  'identify1kMs',
  'identify10kMs',
  'identify100kMs',
  'mfccSpeedupVsReference',
  'cliVerifyCpuMs',
  'finetuneHouseholdSec',
  'finetuneHouseholdFeaturesCpuSec',
  'finetuneHouseholdEpochCpuSec',
  'trainUttPerSec',
  'cliVerifyPeakRssMb',
  'trainPeakRssMb',
] as const;

describe('npm run bench -- --quick', () => {
  it('measures every figure, leaks no tensors, and prints them', { timeout: 600_000 }, async () => {
    await initBackend();
    const before = tf.memory().numTensors;
    const r: BenchResult = await runBench({ quick: true, benchFeatures });
    expect(tf.memory().numTensors).toBe(before);

    for (const k of REQUIRED) {
      expect(typeof r[k], k).toBe('number');
      expect(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`).toBe(true);
    }
    expect(r.backend).toBe(tf.getBackend());
    expect(r.machine).toMatch(/cores/);
    expect(r.quick).toBe(true);
    // The reference MFCC (naive Meyda.extract) is measured in the same run.
    expect(r.mfccReferenceMsPerAudioSecond).toBeGreaterThan(0);
    // Every target has a verdict; the backend comparison covers at least wasm and cpu.
    expect(Object.keys(r.targets).sort()).toEqual(Object.keys(TARGETS).sort());
    for (const t of Object.values(r.targets)) expect(typeof t.met).toBe('boolean');
    const names = r.backends.map((b) => b.backend);
    expect(names).toEqual(expect.arrayContaining(['wasm', 'cpu']));
    for (const b of r.backends) expect(b.error ?? b.rtf3s).toBeDefined();
    expect(r.trainRecipe).toMatch(/P \d+ x K \d+/);

    const text = formatBench(r);
    for (const label of ['MFCC', 'decode+resample', 'embedding RTF, 3 s', 'embedding RTF, 30 s', 'verify 3 s WAV', 'identify, 10,000', 'identify, 100,000', 'training', 'fine-tune of a household', 'Targets']) {
      expect(text).toContain(label);
    }
    // The JSON form is one object that round-trips.
    expect(JSON.parse(JSON.stringify(r))).toMatchObject(Object.fromEntries(REQUIRED.map((k) => [k, r[k]])));
  });
});
