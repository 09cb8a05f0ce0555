// Test files in the order that finishes soonest on a small machine: the end-to-end files that
// mostly wait (concurrent runs backing off, Argo CD polls) start first, so their waits overlap
// with everything else. Jest alone would order a fresh clone by file size, which starts the
// 32-run fleet file (a few lines) last and leaves the suite waiting on it at the end.
import Sequencer from '@jest/test-sequencer'

const LONGEST_FIRST = [
  'e2e/fleet-32.test.ts',
  'e2e/verify.test.ts',
  'e2e/fleet-16.test.ts',
  'e2e/verify-outcomes.test.ts',
  'e2e/fleet.test.ts',
  'e2e/writeback.test.ts',
  'e2e/deploy.test.ts',
  'gitops/writer.test.ts',
]

const rank = (path) => {
  const index = LONGEST_FIRST.findIndex((suffix) => path.endsWith(suffix))
  return index === -1 ? LONGEST_FIRST.length : index
}

export default class LongestFirst extends Sequencer {
  async sort(tests) {
    const byJest = await super.sort(tests)
    return [...byJest].sort((a, b) => rank(a.path) - rank(b.path))
  }
}
