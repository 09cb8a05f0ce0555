// ESM TypeScript under Jest: ts-jest transpiles each file on its own (type errors are
// the job of `npm run typecheck`), and `.js` import specifiers map back to the sources.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test-support/quiet-stdout.ts'],
  // End-to-end tests run the bundle against real stand-ins; on a busy shared machine one of them can
  // take several times its idle duration, which must not fail it (timing belongs in bench/).
  testTimeout: 180000,
  // Three workers on two cores: the end-to-end files spend much of their time waiting (backoff,
  // polls, GitHub's write spacing), which a third worker fills.
  maxWorkers: 3,
  testSequencer: '<rootDir>/test-support/sequencer.mjs',
  workerGracefulExitTimeout: 5000,
}
