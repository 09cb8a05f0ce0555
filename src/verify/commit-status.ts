// Is the GitOps commit deployed, as the commit statuses of a controller say (Argo CD Notifications'
// GitHub service, Flux's notification-controller)? Pure: the statuses of our revision and of a later
// commit of the base branch that contains it in, one verdict out.
import { short } from './state.js'

/** One context's newest status on one commit, as the combined status lists it. */
export interface CommitStatus {
  readonly context: string
  /** `success`, `pending`, `failure` or `error`. */
  readonly state: string
  readonly description?: string | null
  readonly targetUrl?: string | null
}

/** The statuses of one commit: our revision, or a later commit of the base branch that contains it. */
export interface StatusView {
  readonly sha: string
  readonly statuses: readonly CommitStatus[]
}

export type StatusVerdict =
  /** Every pattern has contexts, all of them `success` on the revision or a descendant. */
  | { readonly kind: 'passed'; readonly revision: string; readonly contexts: readonly string[] }
  | { readonly kind: 'failed'; readonly reason: string; readonly context: string }
  | {
      readonly kind: 'waiting'
      /** Patterns no status matched yet. */
      readonly missing: readonly string[]
      /** Matching contexts that are `pending`. */
      readonly pending: readonly CommitStatus[]
    }

const FAILED = new Set(['failure', 'error'])

/** `*` matches any run of characters (`/` included); everything else is literal. */
export function contextMatcher(pattern: string): (context: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  const regex = new RegExp(`^${source}$`)
  return (context) => regex.test(context)
}

/**
 * `views[0]` is the revision, later entries commits that contain it. A `failure` or `error` of a
 * matching context on any of them fails at once; a context passes with `success` on any of them.
 */
export function evaluateStatuses(patterns: readonly string[], views: readonly StatusView[]): StatusVerdict {
  const missing: string[] = []
  const pending: CommitStatus[] = []
  const passed: string[] = []
  // The newest commit a success was reported on: what the controller deployed.
  let passedIndex = 0
  for (const pattern of patterns) {
    const matches = contextMatcher(pattern)
    const contexts = [...new Set(views.flatMap((view) => view.statuses.map((s) => s.context)))].filter(matches)
    if (contexts.length === 0) {
      missing.push(pattern)
      continue
    }
    for (const context of contexts) {
      const seen = views.flatMap((view) => {
        const status = view.statuses.find((s) => s.context === context)
        return status === undefined ? [] : [{ view, status }]
      })
      const failed = seen.find(({ status }) => FAILED.has(status.state))
      if (failed !== undefined) {
        return { kind: 'failed', context, reason: failureReason(failed.status, failed.view.sha) }
      }
      const success = seen.filter(({ status }) => status.state === 'success')
      if (success.length > 0) {
        passed.push(context)
        passedIndex = Math.max(passedIndex, views.indexOf(success.at(-1)!.view))
      } else {
        pending.push(seen.at(-1)!.status)
      }
    }
  }
  if (missing.length > 0 || pending.length > 0) return { kind: 'waiting', missing, pending }
  return { kind: 'passed', revision: views[passedIndex]?.sha ?? '', contexts: passed }
}

function failureReason(status: CommitStatus, sha: string): string {
  const description = status.description ? `: ${status.description}` : ''
  const link = status.targetUrl ? ` (${status.targetUrl})` : ''
  return `commit status "${status.context}" is ${status.state} on ${short(sha)}${description}${link}`
}

/** Why the wait ended without a verdict: which patterns never reported and which stayed pending. */
export function timeoutReason(
  revision: string,
  base: string,
  verdict: StatusVerdict | undefined,
  patterns: readonly string[],
): string {
  const missing = verdict === undefined ? patterns : verdict.kind === 'waiting' ? verdict.missing : []
  const pending = verdict?.kind === 'waiting' ? verdict.pending : []
  const parts: string[] = []
  if (missing.length > 0) {
    parts.push(
      `no commit status ${missing.map((p) => `"${p}"`).join(', ')} was reported on ${short(revision)} or a later commit of ${base}`,
    )
  }
  for (const status of pending) {
    parts.push(`"${status.context}" is still pending${status.description ? `: ${status.description}` : ''}`)
  }
  return parts.join('; ')
}
