/** One rule for which model folder is used: explicit folder, else the store's choice, else the built-in one. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinModelDir, MODELS_STATE_FILE, resolveModelDir } from '../../src/model/resolve';
import { packageRoot } from '../../src/package-root';

const tmp = mkdtempSync(join(tmpdir(), 'vp-resolve-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function storeChoosing(name: string, activeId: string | null, withModel = true): string {
  const store = join(tmp, name);
  mkdirSync(store, { recursive: true });
  if (activeId && withModel) {
    mkdirSync(join(store, 'models', activeId), { recursive: true });
    writeFileSync(join(store, 'models', activeId, 'voxprint.json'), '{}');
  }
  writeFileSync(join(store, MODELS_STATE_FILE), JSON.stringify({ format: 'voxprint-app-models', version: 1, activeId, previousId: null }));
  return store;
}

describe('resolveModelDir', () => {
  const env = {};
  const shipped = join(packageRoot(), 'models', 'default');

  it('the built-in model is models/default of this package, or $VOXPRINT_MODEL', () => {
    expect(builtinModelDir(env)).toBe(shipped);
    expect(builtinModelDir({ VOXPRINT_MODEL: 'some/where' })).toBe(resolve('some/where'));
    expect(resolveModelDir({ storeDir: join(tmp, 'empty'), env })).toBe(shipped);
    expect(resolveModelDir({ env: { VOXPRINT_MODEL: 'x' } })).toBe(resolve('x'));
  });

  it("the store's chosen version, while its folder holds a model", () => {
    const store = storeChoosing('chosen', 'ft-1');
    expect(resolveModelDir({ storeDir: store, env })).toBe(join(store, 'models', 'ft-1'));
    expect(resolveModelDir({ storeDir: store, env, builtinId: 'ft-1' })).toBe(shipped);
    expect(resolveModelDir({ storeDir: storeChoosing('gone', 'ft-2', false), env })).toBe(shipped);
    expect(resolveModelDir({ storeDir: storeChoosing('builtin', null), env, builtinDir: 'b' })).toBe(resolve('b'));
  });

  it('an explicit folder wins over the store and the environment', () => {
    const store = storeChoosing('explicit', 'ft-3');
    expect(resolveModelDir({ storeDir: store, modelDir: 'mine', env: { VOXPRINT_MODEL: 'x' } })).toBe(resolve('mine'));
  });

  it('never follows a choice that is not a plain version id', () => {
    const store = join(tmp, 'evil');
    mkdirSync(join(store, 'models'), { recursive: true });
    writeFileSync(join(store, MODELS_STATE_FILE), JSON.stringify({ format: 'voxprint-app-models', version: 1, activeId: '../../etc', previousId: null }));
    expect(resolveModelDir({ storeDir: store, env })).toBe(shipped);
  });
});
