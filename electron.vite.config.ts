/**
 * Three bundles from the top-level folders: main/ (Electron main process, ESM), main/preload.ts
 * (CommonJS: a sandboxed preload cannot load ES modules or node_modules, so zod is bundled in),
 * and renderer/ (Svelte 5). The renderer build also emits bridge-client.js, which only the browser
 * bridge (npm run web) injects; the Electron window never loads it.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * The production CSP in renderer/index.html allows no inline styles and no websockets; the dev
 * server needs both (Vite injects <style> tags and talks HMR over ws), so only `serve` relaxes it.
 */
function devCsp(): Plugin {
  return {
    name: 'voxprint-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* http://localhost:*");
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: { input: { index: resolve(root, 'main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(root, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte(), devCsp()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        input: {
          index: resolve(root, 'renderer/index.html'),
          'bridge-client': resolve(root, 'src/bridge/client-entry.ts'),
        },
        output: {
          entryFileNames: (chunk) => (chunk.name === 'bridge-client' ? 'bridge-client.js' : 'assets/[name]-[hash].js'),
        },
      },
    },
  },
});
