// Time for tests of code that waits: real time goes on, but every wait returns at once and
// moves this clock forward by its length, so deadlines and backoff behave as in a run without
// the test sleeping through them.
import type { Clock } from '../src/net/retry.js'

export interface FastForwardClock extends Clock {
  /** Every wait asked for, in order (ms). */
  readonly waits: number[]
}

export function fastForwardClock(): FastForwardClock {
  let skipped = 0
  const waits: number[] = []
  return {
    waits,
    now: () => Date.now() + skipped,
    sleep: (ms) => {
      waits.push(ms)
      skipped += ms
      return Promise.resolve()
    },
  }
}
