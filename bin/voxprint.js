#!/usr/bin/env node
// Starts the prebuilt bundle (dist/voxprint.js) when it matches the sources, else runs the
// TypeScript CLI through tsx, so a fresh clone needs no build step (bin/cli-bundle.js).
// Only the commands listed in BUNDLED use the bundle. `train` and `finetune` always run from the
// sources: their feature cache is keyed on src/audio/vad.ts's text, and fine-tuning finds its
// replay data relative to the source tree; a new command runs from the sources until listed here.
import { pathToFileURL } from 'node:url';
import { freshBundle } from './cli-bundle.js';

const BUNDLED = ['enroll', 'verify', 'identify', 'list', 'rename', 'remove', 'export', 'import', 'embed', 'eval', 'calibrate', 'threshold', 'reembed', 'models', 'help'];
const SOURCES_ONLY = ['train', 'finetune'];

const argv = process.argv.slice(2);
// Conservative on purpose: a speaker or file named like a command only costs the faster start.
const bundled =
  !argv.some((a) => SOURCES_ONLY.includes(a)) && (argv.some((a) => BUNDLED.includes(a)) || argv.every((a) => a.startsWith('-')));
const bundle = bundled ? freshBundle().path : undefined;
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(argv);
