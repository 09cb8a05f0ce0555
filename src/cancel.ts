// A cancelled job: the runner sends SIGINT, then SIGTERM 7.5 s later, then kills the step. Within
// that grace the action stops starting writes, lets a write already on its way land (so the
// commit it made is reported, not lost), writes the outputs known so far and exits; the post
// step then closes what the main step left open (src/post.ts). Node's default for both signals
// is to die at once, outputs unwritten.
import * as core from '@actions/core'

/** How long a write on its way may take to land after SIGINT: well inside the runner's 7.5 s. */
const IN_FLIGHT_GRACE_MS = 5_000

const controller = new AbortController()
/** Aborted when the job is cancelled: waits end, no new write starts. */
export const cancellation: AbortSignal = controller.signal

/** Thrown instead of starting a write once the job is cancelled. */
export class Cancelled extends Error {
  constructor() {
    super('The job was cancelled; nothing more is written.')
    this.name = 'Cancelled'
  }
}

export function throwIfCancelled(): void {
  if (cancellation.aborted) throw new Cancelled()
}

const known = new Map<string, string>()
const inFlight = new Set<Promise<unknown>>()

/** An output the run has settled (a commit made, a deployment created): written even if cancelled later. */
export function settleOutput(name: string, value: string): void {
  known.set(name, value)
}

/** The outputs a write settles: its commit, or its pull request. */
export function settleWriteOutputs<
  T extends { readonly commitSha?: string; readonly pullRequest?: { readonly number: number; readonly url: string } },
>(outcome: T): T {
  if (outcome.commitSha !== undefined) settleOutput('commit-sha', outcome.commitSha)
  if (outcome.pullRequest !== undefined) {
    settleOutput('pull-request-number', String(outcome.pullRequest.number))
    settleOutput('pull-request-url', outcome.pullRequest.url)
  }
  return outcome
}

/** A write that, once started, is let finish on cancellation (within the grace) rather than abandoned. */
export function letFinish<T>(work: Promise<T>): Promise<T> {
  inFlight.add(work)
  const done = (): void => void inFlight.delete(work)
  work.then(done, done)
  return work
}

/** Installs the SIGINT / SIGTERM handlers for the main step. */
export function handleCancellation(exit: (code: number) => void = (code) => process.exit(code)): void {
  let exiting = false
  const finish = (): void => {
    if (exiting) return
    exiting = true
    for (const [name, value] of known) core.setOutput(name, value)
    exit(1)
  }
  process.once('SIGINT', () => {
    core.warning('The job was cancelled: no new write starts; reporting what is done.')
    controller.abort(new Cancelled())
    const grace = new Promise<void>((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS).unref())
    void Promise.race([Promise.allSettled([...inFlight]), grace]).then(finish)
  })
  process.once('SIGTERM', () => {
    controller.abort(new Cancelled())
    finish()
  })
}
