// Polls the GitOps repository's commit statuses until every `verify-commit-status` context reports
// success on the revision or on a later commit of the base branch that contains it, one reports
// failure, or the deadline passes. One combined-status call per poll while the revision is the
// branch head (two after the branch moved on), backing off like the Argo CD wait.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { CombinedStatus } from '../gitops/repository.js'
import { type Clock, nextDelay, statusOf, transientFailure } from '../net/retry.js'
import {
  type CommitStatus,
  type StatusVerdict,
  type StatusView,
  contextMatcher,
  evaluateStatuses,
  timeoutReason,
} from './commit-status.js'
import { formatDuration } from '../util/duration.js'
import { short } from './state.js'
import { type WaitResult, pollPolicy } from './wait.js'

export interface StatusWaitDependencies {
  /** The combined status of a sha or branch (GitOpsRepository.combinedStatus). */
  readonly combinedStatus: (ref: string) => Promise<CombinedStatus>
  /** Whether `head` (a later commit of the base branch) contains `base`, from the compare API. */
  readonly contains: (base: string, head: string) => Promise<boolean>
  readonly clock: Clock
}

/** A context as last seen, for the job summary. */
export interface SeenStatus extends CommitStatus {
  readonly sha: string
}

export interface StatusWaitResult extends WaitResult {
  readonly statuses: readonly SeenStatus[]
}

export async function waitForCommitStatuses(
  deps: StatusWaitDependencies,
  patterns: readonly string[],
  revision: string,
  base: string,
  timeoutMs: number,
): Promise<StatusWaitResult> {
  const { clock } = deps
  const deadline = clock.now() + timeoutMs
  const policy = pollPolicy(timeoutMs)
  const matchers = patterns.map(contextMatcher)
  const contains = new Map<string, boolean>()
  let verdict: StatusVerdict | undefined
  let views: StatusView[] = []
  let said = ''
  core.info(
    `Waiting up to ${formatDuration(timeoutMs)} for commit status ${patterns.map((p) => `"${p}"`).join(', ')} on ${short(revision)} or a later commit of ${base}`,
  )
  const seen = (): SeenStatus[] =>
    views.flatMap((view) => view.statuses.map((status) => ({ ...status, sha: view.sha })))
  const end = (ok: boolean, failure?: string, syncedRevision?: string): StatusWaitResult => ({
    ok,
    ...(failure !== undefined && { failure }),
    ...(syncedRevision !== undefined && { syncedRevision }),
    health: '',
    unhealthy: [],
    statuses: seen().filter((status) => matchers.some((matches) => matches(status.context))),
  })

  for (let poll = 1; ; poll++) {
    try {
      views = await read(deps, revision, base, contains)
      verdict = evaluateStatuses(patterns, views)
      const now = describe(verdict)
      if (now !== said) core.info(now)
      said = now
      if (verdict.kind === 'failed') return end(false, verdict.reason)
      if (verdict.kind === 'passed') return end(true, undefined, verdict.revision)
    } catch (error) {
      if (!transientFailure(error).retry) {
        const status = statusOf(error)
        const hint =
          status === 404 || status === 403
            ? ' Give the token `statuses: read` on the GitOps repository (`permissions: statuses: read`).'
            : ''
        return end(false, `could not read the commit statuses of ${short(revision)}: ${errorMessage(error)}.${hint}`)
      }
      core.info(`GitHub did not answer for the commit statuses (${errorMessage(error)}); polling on`)
    }
    const remaining = deadline - clock.now()
    if (remaining <= 0) {
      return end(false, `${timeoutReason(revision, base, verdict, patterns)} within ${formatDuration(timeoutMs)}`)
    }
    await clock.sleep(Math.min(nextDelay(policy, poll) ?? policy.maxDelayMs, remaining))
  }
}

/** The revision's statuses, and the branch head's when the head is a later commit containing it. */
async function read(
  deps: StatusWaitDependencies,
  revision: string,
  base: string,
  contains: Map<string, boolean>,
): Promise<StatusView[]> {
  const head = await deps.combinedStatus(base)
  if (head.sha === revision) return [head]
  const own = await deps.combinedStatus(revision)
  if (!contains.has(head.sha)) contains.set(head.sha, await deps.contains(revision, head.sha))
  return contains.get(head.sha) ? [own, head] : [own]
}

function describe(verdict: StatusVerdict): string {
  switch (verdict.kind) {
    case 'passed':
      return `Commit status ${verdict.contexts.map((c) => `"${c}"`).join(', ')}: success at ${short(verdict.revision)}`
    case 'failed':
      return `Commit status "${verdict.context}" failed`
    case 'waiting':
      return [
        ...verdict.missing.map((p) => `"${p}": no status yet`),
        ...verdict.pending.map((s) => `"${s.context}": pending${s.description ? ` (${s.description})` : ''}`),
      ].join('; ')
  }
}
