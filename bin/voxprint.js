#!/usr/bin/env node
// Starts the prebuilt bundle (dist/voxprint.js) when it matches the sources, else runs the
// TypeScript CLI through tsx, so a fresh clone needs no build step (bin/cli-bundle.js).
// Every command runs from the bundle; `train` starts its worker from dist/train-worker.js, built
// beside it.
import { pathToFileURL } from 'node:url';
import { freshBundle } from './cli-bundle.js';

const argv = process.argv.slice(2);
const bundle = freshBundle().path;
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(argv);
