/**
 * The prebuilt CLI bundle (bin/cli-bundle.js, scripts/build-cli.mjs): used only while every input
 * is unchanged, and the bundle built from the sources runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePaths, fileHash, fileStamp, freshBundle, MANIFEST_FORMAT, ROOT } from '../../bin/cli-bundle';

const tmps: string[] = [];
afterAll(() => tmps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A fake package root with one input file, a bundle and a manifest that match. */
function fakeRoot(): { root: string; input: string } {
  const root = mkdtempSync(join(tmpdir(), 'vp-bundle-'));
  tmps.push(root);
  mkdirSync(join(root, 'src'), { recursive: true });
  const input = join(root, 'src', 'a.ts');
  writeFileSync(input, 'export const a = 1;\n');
  const { bundle, manifest } = bundlePaths(root);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(bundle, 'export const main = () => 0;\n');
  writeFileSync(
    manifest,
    JSON.stringify({ format: MANIFEST_FORMAT, bundleSize: fileStamp(bundle)![0], inputs: [['src/a.ts', ...fileStamp(input)!, fileHash(input)]] }),
  );
  return { root, input };
}

describe('freshBundle', () => {
  it('uses the bundle while its inputs are unchanged', () => {
    const { root } = fakeRoot();
    expect(freshBundle({}, root)).toEqual({ path: bundlePaths(root).bundle });
  });

  it('still uses it when only an mtime moved (a checkout of the same content)', () => {
    const { root, input } = fakeRoot();
    utimesSync(input, new Date(), new Date(Date.now() + 5000));
    expect(freshBundle({}, root).path).toBe(bundlePaths(root).bundle);
  });

  it('falls back to the sources when an input changed, is missing, or the bundle is incomplete', () => {
    const a = fakeRoot();
    writeFileSync(a.input, 'export const a = 2;\n');
    expect(freshBundle({}, a.root)).toEqual({ why: 'src/a.ts changed since the bundle was built' });

    const b = fakeRoot();
    rmSync(b.input);
    expect(freshBundle({}, b.root).why).toMatch(/src\/a\.ts changed/);

    const c = fakeRoot();
    writeFileSync(bundlePaths(c.root).bundle, 'export const main = () => 0; // half');
    expect(freshBundle({}, c.root).why).toMatch(/incomplete/);

    const d = fakeRoot();
    rmSync(bundlePaths(d.root).manifest);
    expect(freshBundle({}, d.root).why).toMatch(/no bundle/);
  });

  it('VOXPRINT_NO_BUNDLE forces the sources', () => {
    const { root } = fakeRoot();
    expect(freshBundle({ VOXPRINT_NO_BUNDLE: '1' }, root)).toEqual({ why: 'VOXPRINT_NO_BUNDLE is set' });
  });
});

describe('scripts/build-cli.mjs', () => {
  it('builds a bundle from the sources that runs the CLI and records every source it read', async () => {
    // Inside the repository, so the bundle resolves node_modules as dist/voxprint.js does.
    // .cache/ is gitignored and absent from a fresh clone.
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    const out = mkdtempSync(join(ROOT, '.cache', 'vp-bundle-test-'));
    tmps.push(out);
    const { buildCli } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build-cli.mjs')).href)) as {
      buildCli: (root: string) => Promise<{ inputs: [string, number, number, string][] } | undefined>;
    };
    const m = await buildCli(out);
    expect(m).toBeDefined();
    const inputs = m!.inputs.map((i) => i[0]);
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/backend.ts');
    expect(inputs).toContain('package.json');
    expect(inputs.some((p) => p.includes('node_modules'))).toBe(false);
    const { bundle } = bundlePaths(out);
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(bundle).href)}); process.exitCode = await main(['--version']);`],
      { encoding: 'utf8', env: { ...process.env, VOXPRINT_BACKEND: 'wasm' } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^voxprint \d+\.\d+\.\d+/);
    expect(r.stdout).toMatch(/backend wasm/);
  });
});
