// Is the application deployed at our commit and healthy? Pure: one Application in, one verdict out.
//
// Health is trusted only when all of these hold:
//  - status.sync is Synced at our commit, or at a later commit of the base branch that contains it;
//  - the sync operation for that revision Succeeded;
//  - Argo CD compared again after it finished (reconciledAt later than operationState.finishedAt): health
//    written before that describes the previous revision's pods, and a crash-looping image would
//    pass for Healthy.
import type { Application, ResourceStatus } from './application.js'

export type Verdict =
  | { readonly kind: 'healthy'; readonly revision: string }
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Argo CD is at another revision: ask the compare API whether it contains ours. */
  | { readonly kind: 'compare'; readonly revision: string }

export interface Target {
  /** The GitOps commit to be deployed. */
  readonly revision: string
  /** Which source of the application reads the GitOps repository. */
  readonly sourceIndex: number
  /** What the compare API said about other revisions: true when the revision contains ours. */
  readonly contains: ReadonlyMap<string, boolean>
  /** When the wait began (ms since the epoch): a comparison before it cannot have seen our commit. */
  readonly startedAt: number
}

/** What the timeline shows of each answer. */
export interface Snapshot {
  readonly sync: string
  readonly revision: string
  readonly health: string
  readonly operation: string
}

const FATAL_CONDITIONS = new Set(['ComparisonError', 'InvalidSpecError', 'SyncError'])
const FAILED_PHASES = new Set(['Failed', 'Error'])

export function snapshot(app: Application, sourceIndex: number): Snapshot {
  const status = app.status
  return {
    sync: status?.sync?.status ?? 'Unknown',
    revision: syncRevision(app, sourceIndex) ?? '',
    health: status?.health?.status ?? 'Unknown',
    operation: status?.operationState?.phase ?? '',
  }
}

export function evaluate(app: Application, target: Target): Verdict {
  const status = app.status ?? {}
  const condition = (status.conditions ?? []).find((c) => FATAL_CONDITIONS.has(c.type ?? ''))
  if (condition !== undefined) {
    return { kind: 'failed', reason: `${condition.type}: ${condition.message ?? '(no message)'}` }
  }

  const revision = syncRevision(app, target.sourceIndex)
  const ours = (value: string | undefined): boolean | undefined => {
    // Only a commit SHA names what Argo CD deployed: a branch name ("main") moves and proves nothing.
    if (value === undefined || !isCommitSha(value)) return false
    if (value === target.revision) return true
    return target.contains.get(value)
  }

  // An operation for our revision (or one containing it) that ended badly fails the deploy, even
  // while the sync status still shows the previous revision.
  const operation = status.operationState
  const operationRevision = operationRevisionOf(app, target.sourceIndex)
  const operationIsOurs = ours(operationRevision)
  if (operationIsOurs === undefined) return { kind: 'compare', revision: operationRevision! }
  if (operation !== undefined && operationIsOurs && FAILED_PHASES.has(operation.phase ?? '')) {
    return {
      kind: 'failed',
      reason: `the sync operation for ${short(operationRevision!)} ended ${operation.phase}: ${operation.message ?? '(no message)'}`,
    }
  }

  const syncIsOurs = ours(revision)
  if (syncIsOurs === undefined) return { kind: 'compare', revision: revision! }
  if (!syncIsOurs) {
    if (revision !== undefined && revision !== '' && !isCommitSha(revision)) {
      return {
        kind: 'waiting',
        reason: `Argo CD reports revision "${revision}", which is not a commit SHA and proves nothing about ${short(target.revision)}`,
      }
    }
    return {
      kind: 'waiting',
      reason: `Argo CD is at ${revision ? short(revision) : 'no revision yet'} (${status.sync?.status ?? 'Unknown'}), not yet at ${short(target.revision)}`,
    }
  }
  if (status.sync?.status !== 'Synced') {
    return { kind: 'waiting', reason: `${short(revision!)} is ${status.sync?.status ?? 'Unknown'}, not yet Synced` }
  }

  const reconciledAt = time(status.reconciledAt)
  if (operation !== undefined && operationIsOurs) {
    if (operation.phase !== 'Succeeded') {
      return {
        kind: 'waiting',
        reason: `the sync operation for ${short(operationRevision!)} is ${operation.phase ?? 'pending'}`,
      }
    }
    const finishedAt = time(operation.finishedAt)
    // Argo CD's timestamps have one-second resolution: a comparison within the same second as the
    // end of the sync may have run before it, so only a later second counts.
    if (finishedAt === undefined || reconciledAt === undefined || reconciledAt <= finishedAt) {
      return { kind: 'waiting', reason: 'the sync finished; waiting for Argo CD to assess health after it' }
    }
  } else if (reconciledAt === undefined || reconciledAt <= Math.floor(target.startedAt / 1000) * 1000) {
    // Synced without an operation of ours (the commit changed nothing Argo CD renders, or someone
    // synced by hand before): only a comparison made after the commit says anything about it.
    return { kind: 'waiting', reason: 'waiting for Argo CD to compare after the commit' }
  }

  const health = status.health?.status ?? 'Unknown'
  if (health === 'Healthy') return { kind: 'healthy', revision: revision! }
  if (health === 'Degraded' || health === 'Missing') {
    return { kind: 'failed', reason: `health is ${health} at ${short(revision!)}` }
  }
  return { kind: 'waiting', reason: `health is ${health}` }
}

/** `Deployment craft/backend: Degraded: Deployment "backend" exceeded its progress deadline`, one per resource. */
export function unhealthyResources(app: Application): string[] {
  return (app.status?.resources ?? [])
    .filter((resource) => resource.health?.status !== undefined && resource.health.status !== 'Healthy')
    .map(describeResource)
}

function describeResource(resource: ResourceStatus): string {
  const name = resource.namespace ? `${resource.namespace}/${resource.name ?? ''}` : (resource.name ?? '')
  const message = resource.health?.message ? `: ${resource.health.message}` : ''
  return `${resource.kind ?? 'Resource'} ${name}: ${resource.health?.status ?? 'Unknown'}${message}`
}

function syncRevision(app: Application, sourceIndex: number): string | undefined {
  const sync = app.status?.sync
  return sync?.revisions?.[sourceIndex] ?? sync?.revision
}

function operationRevisionOf(app: Application, sourceIndex: number): string | undefined {
  const operation = app.status?.operationState
  if (operation === undefined) return undefined
  return (
    operation.syncResult?.revisions?.[sourceIndex] ??
    operation.syncResult?.revision ??
    operation.operation?.sync?.revisions?.[sourceIndex] ??
    operation.operation?.sync?.revision
  )
}

function time(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Date.parse(value)
  return Number.isNaN(parsed) ? undefined : parsed
}

/** A full Git commit SHA (SHA-1, or SHA-256 for repositories that use it). */
export function isCommitSha(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value)
}

export function short(revision: string): string {
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 7) : revision
}
