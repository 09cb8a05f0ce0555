// Jest setup: what code under test writes straight to stdout (@actions/core's log lines and its
// `::add-mask::TOKEN` commands, @actions/exec's echo of child output) goes to a sink instead of the
// suite's output, so a test run neither floods the terminal nor prints the tokens it masks. Only
// this test file's `process` is changed (Jest gives each file its own copy); the reporters keep the
// real stdout. Tests that assert on that output still spy on `process.stdout.write` as before.
// GDA_TEST_STDOUT=1 shows it again for debugging.
import { Writable } from 'node:stream'

if (process.env.GDA_TEST_STDOUT !== '1') {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() })
  Object.defineProperty(process, 'stdout', { value: sink, configurable: true, writable: true })
}
