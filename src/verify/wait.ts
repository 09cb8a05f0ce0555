// Polls Argo CD until every application is Synced and Healthy at the commit, one of them fails,
// or the deadline passes. Each poll asks for a refresh (Argo CD compares with Git now instead of
// at its next poll, every ~3 minutes) and the polls back off, capped by a share of the timeout.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { type Clock, type RetryPolicy, nextDelay } from '../net/retry.js'
import type { Application } from './application.js'
import { type ArgoCdClient, ArgoCdError } from './argocd.js'
import { formatDuration } from '../util/duration.js'
import { type CheckedApplication, label } from './preflight.js'
import { type Snapshot, evaluate, short, snapshot, unhealthyResources } from './state.js'

export interface TimelineEntry {
  /** ISO time of the answer. */
  readonly at: string
  readonly application: string
  readonly snapshot: Snapshot
}

export interface WaitResult {
  readonly ok: boolean
  /** Why it failed: names the application, revision and unhealthy resources. */
  readonly failure?: string
  /** The revision Argo CD reported Synced and Healthy (the last application's, all contain ours). */
  readonly syncedRevision?: string
  readonly health: string
  readonly unhealthy: readonly string[]
  /**
   * Set when the wait ended without an answer that says anything about the deploy (Argo CD
   * rejected the token, answered something else…): the deploy did not fail, it is unknown.
   */
  readonly unknown?: string
}

export interface WaitDependencies {
  readonly client: ArgoCdClient
  /** Whether `head` (a later commit of the base branch) contains `base`, from the compare API. */
  readonly contains: (base: string, head: string) => Promise<boolean>
  readonly clock: Clock
  /** Every state change is appended here, for the job summary. */
  readonly timeline: TimelineEntry[]
}

/** Polls back off from 2 s to a cap of a fortieth of the timeout, between 1 s and 15 s. */
export function pollPolicy(timeoutMs: number): RetryPolicy {
  const maxDelayMs = Math.min(15_000, Math.max(1_000, Math.round(timeoutMs / 40)))
  return { baseDelayMs: Math.min(2_000, maxDelayMs), maxDelayMs }
}

export async function waitForDeploy(
  deps: WaitDependencies,
  applications: readonly CheckedApplication[],
  revision: string,
  timeoutMs: number,
): Promise<WaitResult> {
  const { clock, client } = deps
  const startedAt = clock.now()
  const deadline = startedAt + timeoutMs
  const policy = pollPolicy(timeoutMs)
  const contains = new Map<string, boolean>()
  const last = new Map<CheckedApplication, Seen>()
  const done = new Map<CheckedApplication, string>()
  core.info(`Waiting up to ${formatDuration(timeoutMs)} for Argo CD to deploy ${short(revision)}`)

  for (let poll = 1; ; poll++) {
    for (const checked of applications) {
      if (done.has(checked)) continue
      let app: Application
      try {
        app = await client.getApplication(checked.ref, true)
      } catch (error) {
        // After the commit, an answer we cannot read is no verdict: keep asking until the deadline.
        const reason = cannotRead(error)
        core.info(`Could not read Argo CD application ${label(checked.ref)} (${errorMessage(error)}); polling on`)
        last.set(checked, { ...last.get(checked), reason, unknown: true })
        continue
      }
      record(deps, checked, app)
      let verdict: ReturnType<typeof evaluate>
      try {
        verdict = evaluate(app, { revision, sourceIndex: checked.sourceIndex, contains, startedAt })
        while (verdict.kind === 'compare') {
          const other = verdict.revision
          try {
            contains.set(other, await deps.contains(revision, other))
          } catch (error) {
            // The compare API failed (after its own retries): ask again at the next poll.
            const reason = `could not compare ${short(revision)} with ${short(other)} on GitHub: ${errorMessage(error)}`
            core.info(reason)
            last.set(checked, { app, reason, unknown: true })
            break
          }
          verdict = evaluate(app, { revision, sourceIndex: checked.sourceIndex, contains, startedAt })
        }
      } catch (error) {
        // A check that readApplication let through and the verdict still tripped on: unknown, not failed.
        const reason = `could not make sense of Argo CD's answer (${errorMessage(error)})`
        core.info(reason)
        last.set(checked, { app, reason, unknown: true })
        continue
      }
      if (verdict.kind === 'compare') continue
      if (verdict.kind === 'failed') {
        last.set(checked, { app, reason: verdict.reason })
        const unhealthy = unhealthyResources(app)
        return {
          ok: false,
          failure: `Argo CD application ${label(checked.ref)} failed to deploy ${short(revision)}: ${verdict.reason}${resourceList(unhealthy)}`,
          health: app.status?.health?.status ?? 'Unknown',
          unhealthy,
        }
      }
      if (verdict.kind === 'healthy') {
        done.set(checked, verdict.revision)
        core.info(`Argo CD application ${label(checked.ref)} is Synced and Healthy at ${short(verdict.revision)}`)
      }
      last.set(checked, { app, reason: verdict.kind === 'waiting' ? verdict.reason : 'Healthy' })
    }
    if (done.size === applications.length) {
      return { ok: true, syncedRevision: [...done.values()].pop()!, health: 'Healthy', unhealthy: [] }
    }
    const delay = nextDelay(policy, poll) ?? policy.maxDelayMs
    const remaining = deadline - clock.now()
    if (remaining <= 0) {
      return failed(
        `Argo CD did not report ${short(revision)} Synced and Healthy within ${formatDuration(timeoutMs)}`,
        last,
      )
    }
    // The last poll lands on the deadline rather than past it.
    await clock.sleep(Math.min(delay, remaining))
  }
}

/** The last thing learnt of an application; `unknown`: that was no answer we could read. */
interface Seen {
  readonly app?: Application
  readonly reason: string
  readonly unknown?: boolean
}

/** Why an answer (after the client's own retries) says nothing about the deploy. */
function cannotRead(error: unknown): string {
  const detail = errorMessage(error)
  switch (error instanceof ArgoCdError ? error.unreadable : undefined) {
    case 'rejected':
      return `the Argo CD token was rejected after the deploy (${detail})`
    case 'denied':
      return `Argo CD denied reading the application after the deploy (${detail})`
    case 'missing':
      return `Argo CD no longer finds the application (${detail})`
    case 'not-json':
    case 'malformed':
    case 'too-large':
      return `Argo CD's answer could not be read (${detail})`
    default:
      return `Argo CD did not answer (${detail})`
  }
}

function record(deps: WaitDependencies, checked: CheckedApplication, app: Application): void {
  const current = snapshot(app, checked.sourceIndex)
  const name = `${checked.ref.namespace ? `${checked.ref.namespace}/` : ''}${checked.ref.name}`
  const previous = [...deps.timeline].reverse().find((entry) => entry.application === name)
  if (previous !== undefined && JSON.stringify(previous.snapshot) === JSON.stringify(current)) return
  deps.timeline.push({ at: new Date(deps.clock.now()).toISOString(), application: name, snapshot: current })
  core.info(
    `${name}: ${current.sync} at ${current.revision ? short(current.revision) : '-'}, health ${current.health}` +
      (current.operation ? `, operation ${current.operation}` : ''),
  )
}

function failed(headline: string, last: ReadonlyMap<CheckedApplication, Seen>): WaitResult {
  const unknown = [...last].find(([, seen]) => seen.unknown === true)
  if (unknown !== undefined) {
    const [checked, { reason }] = unknown
    return {
      ok: false,
      unknown: reason,
      failure: `could not verify the deploy: ${label(checked.ref)}: ${reason}`,
      health: 'Unknown',
      unhealthy: [],
    }
  }
  const states: string[] = []
  const unhealthy: string[] = []
  let health = 'Unknown'
  for (const [checked, { app, reason }] of last) {
    if (reason === 'Healthy') continue
    const state = app === undefined ? undefined : snapshot(app, checked.sourceIndex)
    if (state !== undefined) health = state.health
    const resources = app === undefined ? [] : unhealthyResources(app)
    unhealthy.push(...resources)
    states.push(
      `${label(checked.ref)}: ${state === undefined ? '' : `last seen ${state.sync} at ${state.revision ? short(state.revision) : 'no revision'}, health ${state.health}; `}${reason}${resourceList(resources)}`,
    )
  }
  return { ok: false, failure: `${headline}. ${states.join('. ')}`, health, unhealthy }
}

function resourceList(resources: readonly string[]): string {
  return resources.length === 0 ? '' : `. Not healthy: ${resources.join('; ')}`
}
