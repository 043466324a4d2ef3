// @ts-check
import tseslint from 'typescript-eslint';

/** Pure modules (planning, routing transforms, the path model) take time and objects as inputs: no I/O, no clock. */
const PURE_MODULES = [
  'src/util/**/*.ts',
  'src/rollout/**/*.ts',
  'src/traffic/**/*.ts',
  'src/mesh/**/*.ts',
  'src/plan/**/*.ts',
  'src/verbs/**/*.ts',
  'src/analysis/**/*.ts',
  'src/notifications/**/*.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'artifacts/**', 'src/dashboard/web/vendor/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
  {
    // dist/kube/client-node.js is replaced by a tree-shaken bundle of what src/kube/client-node.ts re-exports
    // (ADR 0245): a value imported from the package anywhere else would load all of its generated code again.
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/kube/client-node.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@kubernetes/client-node',
              allowTypeImports: true,
              message: 'Import client-node values from src/kube/client-node.ts (what the build bundles).',
            },
          ],
        },
      ],
    },
  },
  {
    files: PURE_MODULES,
    // Metric providers do the measuring I/O; the analysis rules around them stay pure.
    // Notification delivery (config reads, the ledger, HTTP) is I/O; the parsing, rendering and planning stay pure.
    ignores: ['**/*.test.ts', 'src/analysis/providers/**', 'src/notifications/delivery/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:*',
                'fs',
                'fs/*',
                'http',
                'https',
                'net',
                'child_process',
                'os',
                'path',
                'process',
              ],
              message: 'Pure modules do no I/O.',
            },
            {
              group: ['@kubernetes/*', 'prom-client', 'pino'],
              message: 'Pure modules do not talk to the cluster or emit telemetry.',
            },
            {
              group: ['**/kube/**', '**/controller/**', '**/cli/**', '**/dashboard/**', '**/sandbox/**'],
              message: 'Pure modules depend only on api/, util/ and each other.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time is an input: take `now` as a parameter.' },
        { object: 'Math', property: 'random', message: 'Pure modules are deterministic.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time is an input: take `now` as a parameter.',
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
