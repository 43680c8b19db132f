// ESLint flat config: typescript-eslint's type-checked recommended rules over every hand-written
// file. generated/ is left out: the generator emits it, `tsc --noEmit` and its own tests check it, and
// `npm run generate -- --check` keeps it in step with spec/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['generated/**', 'node_modules/**', 'dist/**', 'build/**', 'docs/api/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a deliberate discard: a parameter an interface requires, or a key
      // taken out of an object by destructuring so that the rest can be passed on.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'testing/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.objectContaining, ...) are typed `any`, and
      // assertions read into JSON.parse results on purpose: in tests these are the point, not a leak.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      // `expect(resource.method)` and spies pass methods around without calling them.
      '@typescript-eslint/unbound-method': 'off',
      // Callbacks handed to waitFor()/it() are typed to return a promise, whether or not they await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Plain JavaScript build scripts and this file: no TypeScript program to check types against.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
