// One jest run for the whole workspace: fast unit tests (no I/O) and integration tests that talk
// to the two real Kafka clusters started once per run by libs/testing's global setup.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [`^${name}$`, `<rootDir>/${target}`]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.cache/'],
};

module.exports = {
  // Per-project testTimeout is not honoured by jest; the limit is global (and generous: the
  // integration tests talk to real brokers on a 2-core machine).
  testTimeout: 60000,
  // `npm test` reports coverage of the pure domain libs (V8's own counters: no instrumentation).
  coverageProvider: 'v8',
  collectCoverageFrom: ['libs/{config,replication-policy,mm2-formats,offset-translation,lease}/src/**/*.ts', '!**/*.spec.ts', '!**/testing/**'],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageDirectory: '<rootDir>/coverage',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '\\.int\\.spec\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};
