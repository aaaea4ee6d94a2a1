// Lint rules that keep the architecture honest: apps depend on libs, libs never on apps, the pure
// domain libs stay free of I/O, and kafkajs is reachable only through libs/kafka.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const ioPackages = ['kafkajs', '@grpc/*', 'pino', 'prom-client', 'node:net', 'net', 'node:http', 'http', 'node:fs', 'fs', 'node:child_process', 'child_process'];

/** Who may import whom; tests may also use the real-broker harness (type:testing). */
function boundaries(inTests) {
  const testing = inTests ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:generated', 'type:testing'] },
      { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:generated', ...testing] },
      { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:generated'] },
      { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: ioPackages },
      { sourceTag: 'type:generated', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:generated', 'type:testing'] },
    ],
  };
}

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.cache/**', 'libs/proto/src/gen/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
    },
  },
  {
    // CommonJS files (jest config and reporters) load their dependencies with require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/integration-helpers.ts', '**/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
  {
    files: ['**/*.ts'],
    ignores: ['libs/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kafkajs', message: 'Only libs/kafka may import kafkajs: add what you need to @mirrormaker/kafka.' }] },
      ],
    },
  },
];
