// Time for tests of code that waits: every wait returns at once and moves the clock on by its
// length, so deadlines and backoff behave as in a run without the test sleeping through them.
import type { Clock } from '../src/net/retry.js'

export interface FakeClock extends Clock {
  /** Every wait asked for, in order (ms). */
  readonly slept: number[]
}

/** Time that stands still at `start` but for the waits. */
export function fakeClock(start = 0): FakeClock {
  return skipping(() => start)
}

/** Real time plus every wait so far: for tests that do real I/O under deadlines. */
export function fastForwardClock(): FakeClock {
  return skipping(Date.now)
}

function skipping(base: () => number): FakeClock {
  let skipped = 0
  const slept: number[] = []
  return {
    slept,
    now: () => base() + skipped,
    sleep: (ms) => {
      slept.push(ms)
      skipped += ms
      return Promise.resolve()
    },
  }
}
