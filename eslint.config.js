// Flat config. The rule that matters most here: an app never imports another
// app; shared code goes through @app/contracts and @app/common.
import tseslint from 'typescript-eslint';

const APPS = ['gateway', 'order', 'payment', 'notification'];

const noCrossAppImports = (app) => ({
  files: [`apps/${app}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: APPS.filter((other) => other !== app).map((other) => ({
          group: [`**/apps/${other}/**`, `**/${other}/src/**`, `../../${other}/**`, `../../../${other}/**`],
          message: `Apps never import other apps: move shared code to libs/ (@app/contracts, @app/common).`,
        })),
      },
    ],
  },
});

const noLibToAppImports = {
  files: ['libs/**/*.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ group: ['**/apps/**'], message: 'Libraries never import applications.' }] },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.tmp/**', 'loadtest/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  ...APPS.map(noCrossAppImports),
  noLibToAppImports,
);
