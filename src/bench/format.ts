/** The human-readable report of `npm run bench` (the `--json` form is the BenchResult itself). */
import { ANCHORS, type BenchResult } from './run';

const num = (v: number | undefined, d = 3) => (v === undefined || !Number.isFinite(v) ? 'n/a' : Number(v.toPrecision(d)).toString());

export function formatBench(r: BenchResult): string {
  const L: string[] = [];
  const row = (label: string, value: string, note = '') => L.push(`${label.padEnd(46)} ${value.padStart(12)}  ${note}`);
  L.push(`voxprint bench${r.quick ? ' (--quick)' : ''}: backend ${r.backend}; ${r.machine}`);
  L.push(`model: ${r.model}`);
  L.push('Times are medians after a warm-up; "cpu" = process CPU time (one core), "wall" = elapsed.');
  L.push('');
  row('MFCC, ms per audio-second', `${num(r.mfccMsPerAudioSecond)} cpu`, `wall ${num(r.mfccWallMsPerAudioSecond)}; Meyda.extract ${num(r.mfccReferenceMsPerAudioSecond)} cpu (${num(r.mfccSpeedupVsReference)}x slower)`);
  row('VAD, ms per audio-second', `${num(r.vadMsPerAudioSecond)} cpu`);
  row('MFCC + VAD, ms per audio-second', `${num(r.mfccVadMsPerAudioSecond)} cpu`, `${num(r.anchors.mfccVadVsNumpy[0])}-${num(r.anchors.mfccVadVsNumpy[1])}x the numpy anchor (0.6-0.9)`);
  row('decode+resample 44.1k stereo WAV, ms/audio-s', `${num(r.decodeMsPerAudioSecond)} cpu`, `wall ${num(r.decodeWallMsPerAudioSecond)}; resampler alone ${num(r.resampleMsPerAudioSecond)}`);
  row('decode FLAC 16 kHz, ms/audio-s', `${num(r.decodeFlacMsPerAudioSecond)} cpu`);
  row('embedding RTF, 3 s clip', `${num(r.embedRtf3s)} cpu`, `wall ${num(r.embedWallRtf3s)}`);
  row('embedding RTF, 30 s clip', `${num(r.embedRtf30s)} cpu`, `wall ${num(r.embedWallRtf30s)}; WeSpeaker ${ANCHORS.wespeakerEcapa512OnnxRtf} (${num(r.anchors.embedRtf30sVsWespeaker)}x), Eagle ${ANCHORS.picovoiceEagleRtf} (${num(r.anchors.embedRtf30sVsEagle)}x)`);
  row('embedding, batched 3 s clips, utt/s', `${num(r.embedBatchUttPerSec)} cpu`);
  row('verify 3 s WAV in-process, median ms', `${num(r.verifyMsMedian)} cpu`, `p95 ${num(r.verifyMsP95)}; wall median ${num(r.verifyWallMsMedian)}, p95 ${num(r.verifyWallMsP95)}`);
  row('voxprint verify process (cold), ms', `${num(r.cliVerifyMs)} wall`, `cpu ${num(r.cliVerifyCpuMs)}; peak RSS ${num(r.cliVerifyPeakRssMb)} MB; first start ${num(r.cliVerifyFirstMs)} ms; ${r.cliVerifyStart}`);
  row('  same from the sources via tsx, ms', `${num(r.cliVerifyTsxMs)} wall`, `cpu ${num(r.cliVerifyTsxCpuMs)} (${num(r.cliVerifyTsxCpuMs / r.cliVerifyCpuMs)}x); peak RSS ${num(r.cliVerifyTsxPeakRssMb)} MB`);
  row('identify, 1,000 profiles, ms', `${num(r.identify1kMs)} cpu`);
  row('identify, 10,000 profiles, ms', `${num(r.identify10kMs)} cpu`, `index build ${num(r.identify10kBuildMs)} ms (once per store change)`);
  row('identify, 100,000 profiles, ms', `${num(r.identify100kMs)} cpu`);
  row('training, utt/s', `${num(r.trainUttPerSec)} cpu`, `wall ${num(r.trainUttPerSecWall)}; epoch ${num(r.trainEpochSec)} s; peak RSS ${num(r.trainPeakRssMb)} MB`);
  L.push(`  recipe: ${r.trainRecipe}`);
  row('live: per 0.5 s of new audio, ms', `${num(r.live.updateCpuMsPer05s)} cpu`, `p95 ${num(r.live.updateCpuMsPer05sP95)}; wall ${num(r.live.updateWallMsPer05s)} (target 5)`);
  row('live: last chunk -> final decision, ms', `${num(r.live.finalMs)} wall`, `cpu ${num(r.live.finalCpuMs)}; p95 ${num(r.live.finalMsP95)} (target 50)`);
  row('fine-tune of a household, s', `${num(r.finetuneHouseholdSec)} wall`, `cpu ${num(r.finetuneHouseholdCpuSec)} s (features ${num(r.finetuneHouseholdFeaturesCpuSec)}, an epoch ${num(r.finetuneHouseholdEpochCpuSec)}); ${r.finetuneHousehold}`);
  L.push('');
  L.push('Embedding per backend (3 s clip, child process each):');
  for (const b of r.backends) {
    if (b.error) L.push(`  ${b.backend.padEnd(11)} not available: ${b.error}`);
    else L.push(`  ${b.backend.padEnd(11)} RTF ${num(b.rtf3s)} (${num(b.ratioToInUse)}x ${r.backend})${b.rtf30s === undefined ? '' : `, 30 s RTF ${num(b.rtf30s)}`}, ${num(b.batchUttPerSec)} utt/s batched`);
  }
  L.push('');
  L.push('Targets:');
  for (const [k, t] of Object.entries(r.targets)) {
    const wall = t.wall === undefined ? '' : `; wall ${num(t.wall)} ${t.metOnWall ? 'met' : 'missed'}`;
    L.push(`  ${k.padEnd(24)} ${num(t.value).padStart(8)} ${t.atLeast ? '>=' : '<='} ${t.target}: ${t.met ? 'MET' : 'MISSED'}${wall}`);
  }
  L.push(`load average ${r.loadStart} -> ${r.loadEnd}; bench took ${num(r.benchSeconds)} s`);
  return L.join('\n') + '\n';
}
