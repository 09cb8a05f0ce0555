// One change to the GitOps repository, written as one commit straight onto the base branch (push;
// pull-request.ts writes pr mode). Generic over what changed: the caller's `prepare` computes the
// files from a snapshot, and is called again on top of a newer base when another workflow pushed first.
import * as core from '@actions/core'
import { throwIfCancelled } from '../cancel.js'
import { type Clock, type RetryDecision, type RetryPolicy, retry, statusOf, systemClock } from '../net/retry.js'
import {
  type FileChange,
  type FileUpdate,
  type GitOpsRepository,
  type MovedHead,
  type Snapshot,
  gitBlobSha,
} from './repository.js'

export interface Prepared {
  /** Empty: nothing to change. */
  readonly files: readonly FileUpdate[]
}

/** What a retry knows about the base that moved under it. */
export interface MovedBase {
  /** What the competing commits changed, by path; undefined when GitHub could not say (read everything again). */
  readonly changes?: ReadonlyMap<string, FileChange>
}

export interface WriteOptions<T extends Prepared> {
  readonly message: string
  /**
   * Computes the change on top of `snapshot`. `moved` is undefined on the first attempt (reuse
   * what was read); on a retry it says which files the competing commits left alone, so only
   * the others need reading again.
   */
  prepare(snapshot: Snapshot, moved?: MovedBase): Promise<T>
  /**
   * First wait of the settling and rate-limit retries (jittered, doubling up to 32×); tests shrink
   * it. Default 500. A lost race waits `contentionDelay` instead.
   */
  readonly retryDelayMs?: number
  /** Injected time for unit tests. */
  readonly clock?: Clock
  /** Injected randomness for the spread after a conflict (unit tests). */
  readonly random?: () => number
}

/** `graphql`: one atomic `createCommitOnBranch` per attempt; `rest`: tree, commit and ref (three writes). */
export type WriteStrategy = 'graphql' | 'rest'

export interface PushOptions<T extends Prepared> extends WriteOptions<T> {
  readonly base: string
  readonly initial: Snapshot
  /** How long to keep retrying a base that others keep moving (the `push-timeout` input). Default 5 min. */
  readonly timeoutMs?: number
  /** Default `graphql` (fewer content-creating requests; see bench/fleet.ts). */
  readonly strategy?: WriteStrategy
}

export interface PushOutcome<T> {
  readonly prepared: T
  /** Undefined when nothing was written. */
  readonly commitSha?: string
  readonly attempts: number
}

export const DEFAULT_DELAY_MS = 500
/** `push-timeout`'s default: how long push mode keeps retrying while others move the base. */
export const DEFAULT_PUSH_TIMEOUT_MS = 5 * 60_000
/** Another writer moved the base between our read and our write. */
class BaseMoved extends Error {
  constructor(readonly base: string) {
    super(`${base} moved on`)
  }
}

/** The backoff between attempts: jittered, doubling, capped, so runs that collided once spread out. */
export function policy(delayMs: number, deadlineMs?: number): RetryPolicy {
  return {
    baseDelayMs: delayMs,
    maxDelayMs: delayMs * 32,
    ...(deadlineMs !== undefined && { deadlineMs, maxRetryAfterMs: deadlineMs }),
  }
}

// Writers that lost a race spread their next try over a window that grows with GitHub's answer time
// (the span in which two writes collide) and by half with every further loss; full jitter, so the
// losers of one round do not meet again in the next. 20 round trips keep 16 simultaneous writers
// under 3 tries per landed commit (bench/fleet.ts); a slower growth than doubling keeps the last
// writer from sleeping through a quiet branch.
const SPREAD_ROUND_TRIPS = 20
const SPREAD_GROWTH = 1.5
/** GitHub's answer time assumed until one was measured. */
const ASSUMED_ROUND_TRIP_MS = 250
const MAX_SPREAD_MS = 60_000
/** plugin-throttling starts at most one write per second per client: a try must not wait for it after its read. */
export const WRITE_SPACING_MS = 1_000

/** The wait before the try after `conflicts` lost races: full jitter over the spread, at least the write spacing. */
export function contentionDelay(
  conflicts: number,
  roundTripMs: number,
  sinceLastWriteMs: number,
  random: () => number = Math.random,
): number {
  const spread = Math.min(MAX_SPREAD_MS, SPREAD_ROUND_TRIPS * roundTripMs * SPREAD_GROWTH ** Math.max(0, conflicts - 1))
  return Math.max(Math.round(random() * spread), WRITE_SPACING_MS - sinceLastWriteMs)
}

/**
 * A moved base is retried, and so are rate limits that say when to come back (secondary limits
 * on writes: `retry-after`, or `x-ratelimit-reset` with nothing remaining) once the client's own
 * retries are spent. Other failures were already retried by the client: they end the run.
 */
export function classifyWriteFailure(error: unknown, now = Date.now()): RetryDecision {
  if (error instanceof BaseMoved) return { retry: true, reason: `${error.base} moved on (someone else pushed)` }
  const limit = rateLimitWait(error, now)
  if (limit !== undefined) return { retry: true, reason: 'rate limited', afterMs: limit }
  return { retry: false }
}

function rateLimitWait(error: unknown, now: number): number | undefined {
  const status = statusOf(error)
  if (status !== 403 && status !== 429) return undefined
  const headers = findHeaders(error)
  const retryAfter = Number(headers?.['retry-after'])
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers?.['retry-after'] !== undefined) return retryAfter * 1000
  const reset = Number(headers?.['x-ratelimit-reset'])
  if (String(headers?.['x-ratelimit-remaining']) === '0' && Number.isFinite(reset))
    return Math.max(0, reset * 1000 - now)
  return undefined
}

/** Response headers of an Octokit error, also when wrapped (`cause`) by the repository's error messages. */
function findHeaders(error: unknown): Record<string, unknown> | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const headers = (current as { response?: { headers?: Record<string, unknown> } }).response?.headers
    if (headers !== undefined) return headers
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * Commits the change onto `base` with a compare-and-swap (no force), retrying until
 * `timeoutMs` while other workflows keep moving the base. After a spread wait, each retry learns
 * the new head and what the competing commits changed in one compare call, so `prepare` re-reads
 * only those files, and writes at once. Every attempt first checks whether an earlier one landed
 * although its answer was lost: a commit is never lost nor made twice.
 */
export async function pushToBase<T extends Prepared>(
  repo: GitOpsRepository,
  options: PushOptions<T>,
): Promise<PushOutcome<T>> {
  const { base, message } = options
  const strategy = options.strategy ?? 'graphql'
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS
  // The first attempt builds on the snapshot the caller already read: no second read of the base.
  let snapshot = options.initial
  let moved: MovedBase | undefined
  let prepared: T | undefined
  // Writes whose answer we may not have seen: the commits we created (REST) or the change we sent on top of which head (GraphQL).
  const created = new Set<string>()
  const sent: { parent: string; files: readonly FileUpdate[] }[] = []
  let attempts = 0

  const landed = (commitSha: string): PushOutcome<T> => {
    core.info(`Committed ${commitSha} to ${base} in ${repo.fullName}`)
    return { prepared: prepared!, commitSha, attempts }
  }

  const clock = options.clock ?? systemClock
  let conflicts = 0
  let lastWriteAt = -Infinity

  const attempt = async (n: number): Promise<PushOutcome<T>> => {
    attempts = n
    if (n > 1) {
      const found = await repo.movedSince(snapshot.commitSha, base)
      if (found === undefined)
        throw new Error(`${base} disappeared from ${repo.fullName} while the action was writing to it`)
      const { head } = found
      if (created.has(head.commitSha)) return landed(head.commitSha)
      if (prepared !== undefined && (await isOurs(repo, found, message, sent))) return landed(head.commitSha)
      snapshot = head
      moved = found.changes === undefined ? {} : { changes: found.changes }
    }
    prepared = await options.prepare(snapshot, moved)
    if (prepared.files.length === 0) return { prepared, attempts: n }
    // A cancelled job starts no write; one already sent is found above on the next attempt.
    throwIfCancelled()
    lastWriteAt = clock.now()
    // createCommitOnBranch writes every file as 100644: an executable one goes through the Git Data API.
    if (strategy === 'graphql' && prepared.files.every((file) => (file.mode ?? '100644') === '100644')) {
      sent.push({ parent: snapshot.commitSha, files: prepared.files })
      const result = await repo.commitOnBranch(base, snapshot.commitSha, message, prepared.files)
      if (result === 'stale') throw new BaseMoved(base)
      return landed(result.sha)
    }
    const tree = await repo.createTree(snapshot.treeSha, prepared.files)
    if (tree === snapshot.treeSha) return { prepared, attempts: n }
    const commit = await repo.createCommit(message, tree, [snapshot.commitSha])
    created.add(commit)
    if ((await repo.updateBranch(base, commit, false)) === 'conflict') throw new BaseMoved(base)
    return landed(commit)
  }

  const classify = (error: unknown): RetryDecision => {
    const decision = classifyWriteFailure(error, clock.now())
    if (!decision.retry || !(error instanceof BaseMoved)) return decision
    conflicts++
    return {
      ...decision,
      delayMs: contentionDelay(
        conflicts,
        Math.max(1, repo.answerTimeMs ?? ASSUMED_ROUND_TRIP_MS),
        clock.now() - lastWriteAt,
        options.random,
      ),
    }
  }

  try {
    return await retry(attempt, {
      policy: policy(options.retryDelayMs ?? DEFAULT_DELAY_MS, timeoutMs),
      classify,
      onRetry: ({ attempt: n, delayMs, reason }) =>
        core.info(`${reason} in ${repo.fullName}; attempt ${n + 1} in ${delayMs} ms, on top of the new head`),
      ...(options.clock !== undefined && { clock: options.clock }),
    })
  } catch (error) {
    if (!(error instanceof BaseMoved)) throw error
    throw new Error(
      `Could not update refs/heads/${base} in ${repo.fullName}: other workflows kept pushing to ${base} for ` +
        `${Math.round(timeoutMs / 1000)} s (${attempts} attempts). Raise \`push-timeout\`, or use \`mode: pr\`.`,
      { cause: error },
    )
  }
}

/**
 * Whether the head is a commit this run sent although the answer never came (GraphQL gives no sha
 * before it answers): our message, on top of a head we wrote to, with our contents in every file.
 */
async function isOurs(
  repo: GitOpsRepository,
  { head, changes }: MovedHead,
  message: string,
  sent: readonly { parent: string; files: readonly FileUpdate[] }[],
): Promise<boolean> {
  // GraphQL stores the headline and body with a blank line between them: compare headlines.
  const headline = (text: string) => text.split('\n', 1)[0]
  if (head.parents.length !== 1 || headline(head.message) !== headline(message)) return false
  const candidates = sent.filter((write) => write.parent === head.parents[0])
  if (candidates.length === 0) return false
  // Without the compare answer's blobs, a listing tells (only needed in this rare case).
  const listing = changes === undefined ? await repo.listTree(head) : undefined
  if (listing?.truncated) return false
  const blobAt = (path: string) => (listing ? listing.blobs.get(path) : changes?.get(path)?.blob)
  return candidates.some((write) => write.files.every((file) => blobAt(file.path) === gitBlobSha(file.content)))
}
