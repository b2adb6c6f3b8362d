// Flat config. The rule that matters most here: an app's code never imports
// another app; shared code goes through @app/contracts and @app/common. An
// app's e2e tests (apps/<x>/test) may boot a sibling app as a real collaborator
// (the order tests charge a real payment service) rather than a mock. An app
// declares its business metrics as nestjs-prometheus providers, not with the
// module-level helpers libs/observability keeps for the metrics every service loads.
import tseslint from 'typescript-eslint';

const APPS = ['gateway', 'order', 'payment', 'notification'];

const noCrossAppImports = (app) => ({
  files: [`apps/${app}/src/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: APPS.filter((other) => other !== app).map((other) => ({
          group: [`**/apps/${other}/**`, `**/${other}/src/**`, `../../${other}/**`, `../../../${other}/**`],
          message: `Apps never import other apps: move shared code to libs/ (@app/contracts, @app/common).`,
        })),
        paths: [
          {
            name: '@app/observability',
            importNames: ['counter', 'gauge', 'histogram'],
            message:
              "An app's business metrics are @willsoto/nestjs-prometheus providers beside their code (makeCounterProvider, @InjectMetric).",
          },
        ],
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
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },
  ...APPS.map(noCrossAppImports),
  noLibToAppImports,
  // k6 scripts: k6's globals. They run under k6 (goja) and the Node engine (loadtest/runner).
  {
    files: ['loadtest/**/*.js'],
    languageOptions: { globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly' } },
  },
);
