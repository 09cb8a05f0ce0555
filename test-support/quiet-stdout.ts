// Jest setup (setupFilesAfterEnv): what code under test writes straight to stdout (@actions/core's
// log lines and its `::add-mask::TOKEN` commands, @actions/exec's echo of child output) is dropped
// while a test file runs, so a test run neither floods the terminal nor prints the tokens it masks.
// Jest's reporters write to stderr, and stdout is restored after the file. Tests that assert on
// that output spy on `process.stdout.write` as before. GDA_TEST_STDOUT=1 shows it again.
import { afterAll, beforeAll } from '@jest/globals'

if (process.env.GDA_TEST_STDOUT !== '1') {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, unbound
  const write = process.stdout.write
  beforeAll(() => {
    process.stdout.write = ((...args: unknown[]) => {
      const done = args.find((arg) => typeof arg === 'function') as (() => void) | undefined
      if (done) queueMicrotask(done)
      return true
    }) as typeof process.stdout.write
  })
  afterAll(() => {
    process.stdout.write = write
  })
}
