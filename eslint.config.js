import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'models', 'renderer/**/*.svelte', 'test-artifacts', '.cache'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    // The core runs in the CLI, the Electron main process, workers and the browser bridge: the
    // shells (main/, renderer/) may import it, never the other way round.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/ is the core: Electron belongs in main/.' },
            { name: 'svelte', message: 'src/ is the core: Svelte belongs in renderer/.' },
          ],
          patterns: [
            { group: ['electron/*', 'svelte/*', '*.svelte'], message: 'src/ is the core: it imports neither Electron nor Svelte.' },
            { group: ['**/main/*', '**/renderer/*'], message: 'src/ is the core: the shells import it, not the other way round.' },
          ],
        },
      ],
    },
  },
);
