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
  maxWorkers: 2,
  workerGracefulExitTimeout: 5000,
}
