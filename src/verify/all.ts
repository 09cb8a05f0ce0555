// Several waits side by side (Argo CD and commit statuses): all must pass, and the first failure
// ends the others at once. Each wait gets a clock that, once stopped, wakes it from its sleep and
// reads past any deadline, so it returns at its next check without knowing about the others.
import { type Clock, systemClock } from '../net/retry.js'
import type { WaitResult } from './wait.js'

/** Far enough past any verify-timeout that every deadline check ends its wait. */
const PAST_EVERY_DEADLINE_MS = 1e12

export async function waitForAll(
  waits: readonly ((clock: Clock) => Promise<WaitResult>)[],
  clock: Clock = systemClock,
): Promise<WaitResult> {
  if (waits.length === 1) return waits[0]!(clock)
  const stop = new AbortController()
  let firstFailure: WaitResult | undefined
  const results = await Promise.all(
    waits.map(async (wait) => {
      const result = await wait(stoppable(clock, stop.signal))
      if (!result.ok && firstFailure === undefined) {
        firstFailure = result
        stop.abort()
      }
      return result
    }),
  )
  if (firstFailure !== undefined) {
    // The health Argo CD last reported is worth keeping even when the statuses failed first.
    const health = results.find((result) => result.health !== '')?.health ?? firstFailure.health
    return { ...firstFailure, health }
  }
  const health = results.find((result) => result.health !== '')?.health ?? ''
  return {
    ok: true,
    health,
    unhealthy: [],
    ...(results[0]?.syncedRevision !== undefined && { syncedRevision: results[0].syncedRevision }),
  }
}

function stoppable(clock: Clock, signal: AbortSignal): Clock {
  return {
    now: () => clock.now() + (signal.aborted ? PAST_EVERY_DEADLINE_MS : 0),
    sleep: (ms) => {
      if (signal.aborted) return Promise.resolve()
      return new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done)
          if (timer !== undefined) clearTimeout(timer)
          resolve()
        }
        signal.addEventListener('abort', done)
        // The real clock's timer is ours to clear; an injected clock is awaited as it is.
        const timer = clock === systemClock ? setTimeout(done, ms) : undefined
        if (timer === undefined) void clock.sleep(ms).then(done)
      })
    },
  }
}
