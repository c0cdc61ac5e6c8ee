// ESLint for the whole repository: typescript-eslint's type-checked rules, each file checked
// against the tsconfig that owns it (shared, server, client, tests). Formatting is Prettier's job
// (`npm run format:check`), the layering is dependency-cruiser's (`.dependency-cruiser.cjs`) and
// unused exports are knip's (`knip.json`); `npm run lint` runs all four and `npm test` runs it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'coverage/', 'node_modules/', 'test/fixtures/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // shared/ first: it must type-check without Node or DOM globals, whoever imports it.
        project: [
          './tsconfig.shared.json',
          './tsconfig.server.json',
          './tsconfig.client.json',
          './tsconfig.json',
          './tsconfig.cli.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript already knows every global each tsconfig allows; ESLint's list does not.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A focused or skipped test must never reach main: `.only` would silently drop the rest.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only', message: 'Do not commit a focused test.' },
        { object: 'it', property: 'only', message: 'Do not commit a focused test.' },
        { object: 'test', property: 'only', message: 'Do not commit a focused test.' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
