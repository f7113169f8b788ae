import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-artifacts/**', 'src/db/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // TypeScript checks names itself.
    files: ['**/*.ts', '**/*.tsx'],
    rules: { 'no-undef': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The dependency rule of ARCHITECTURE.md §3: the domain imports nothing of ours.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!./*'], message: 'src/core imports nothing of ours (ARCHITECTURE.md §3).' }] }],
    },
  },
  {
    // The access rules sit between the data and the operations: core ← db ← policies ← commands ← adapters.
    files: ['src/policies/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../commands/*', '../telegram/*', '../platform/*', '../jobs/*', '../integrations/*', '../sandbox/*'], message: 'policies import core and db only (ARCHITECTURE.md §3, §9).' }] }],
    },
  },
  {
    // Adapters never import each other; commands never import adapters.
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../telegram/*', '../platform/*', '../jobs/*', '../integrations/*', '../sandbox/*'], message: 'commands import core and db only (ARCHITECTURE.md §3).' }] }],
    },
  },
  {
    files: ['src/telegram/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../platform/*', '../jobs/*', '../integrations/*', '../sandbox/*'], message: 'adapters never import each other (ARCHITECTURE.md §3).' }] }],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../telegram/*', '../jobs/*', '../integrations/*', '../sandbox/*', '../../telegram/*', '../../jobs/*', '../../sandbox/*'], message: 'adapters never import each other (ARCHITECTURE.md §3).' }] }],
    },
  },
);
