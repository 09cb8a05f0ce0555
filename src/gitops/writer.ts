// One change to the GitOps repository, written as one commit: straight onto the base branch
// (push) or onto the action's own branch with one reusable pull request (pr). Generic over what
// changed: the caller's `prepare` computes the files from a snapshot, and is called again on top
// of a newer base when another workflow pushed first.
import * as core from '@actions/core'
import { statusOf } from './github-error.js'
import { systemClock } from '../net/retry.js'
import type { FileUpdate, GitOpsRepository, PullRequest, Snapshot } from './repository.js'

export interface Prepared {
  /** Empty: nothing to change. */
  readonly files: readonly FileUpdate[]
}

export interface WriteOptions<T extends Prepared> {
  readonly message: string
  /** Computes the change on top of `snapshot`. Called once per attempt; `first` lets the caller reuse what it already read. */
  prepare(snapshot: Snapshot, first: boolean): Promise<T>
  /** Base of the waits between attempts (jittered, doubling); tests shrink it. Default 1000. */
  readonly retryDelayMs?: number
}

export interface PushOptions<T extends Prepared> extends WriteOptions<T> {
  readonly base: string
  readonly initial: Snapshot
  /** Default 5. */
  readonly maxAttempts?: number
}

export interface PushOutcome<T> {
  readonly prepared: T
  /** Undefined when nothing changed. */
  readonly commitSha?: string
  readonly attempts: number
}

export interface PullRequestOptions<T extends Prepared> extends WriteOptions<T> {
  readonly base: string
  readonly initial: Snapshot
  readonly branch: string
  readonly title: string
  body(prepared: T): string
  readonly labels: readonly string[]
}

export interface PullRequestOutcome<T> extends PushOutcome<T> {
  readonly pullRequest?: { number: number; url: string; created: boolean }
}

const DEFAULT_ATTEMPTS = 5
const DEFAULT_DELAY_MS = 1000
// Right after a ref or pull request is created, GitHub's other endpoints can lag behind for a
// moment and answer 422/404; a few short retries ride that out.
const SETTLE_RETRIES = 3

/** Doubling per attempt, jittered by ±50% so that runs which collided once do not collide again. */
function backoff(baseMs: number, attempt: number): number {
  return Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + Math.random()))
}

/**
 * Commits the change onto `base` with a compare-and-swap ref update (no force). When another
 * workflow pushed meanwhile, re-reads the base, prepares the change again on top of it and
 * retries after a jittered backoff, up to `maxAttempts`. Nothing reaches the base branch unless
 * the compare-and-swap succeeds.
 */
export async function pushToBase<T extends Prepared>(
  repo: GitOpsRepository,
  options: PushOptions<T>,
): Promise<PushOutcome<T>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_ATTEMPTS)
  const delayMs = options.retryDelayMs ?? DEFAULT_DELAY_MS
  // The first attempt builds on the snapshot the caller already read: no second read of the base.
  let snapshot = options.initial
  let lastCommit: string | undefined
  for (let attempt = 1; ; attempt++) {
    const prepared = await options.prepare(snapshot, attempt === 1)
    if (prepared.files.length === 0) return { prepared, attempts: attempt }
    const tree = await repo.createTree(snapshot.treeSha, prepared.files)
    if (tree === snapshot.treeSha) return { prepared, attempts: attempt }
    const commit = await repo.createCommit(options.message, tree, [snapshot.commitSha])
    lastCommit = commit
    if ((await repo.updateBranch(options.base, commit, false)) === 'updated') {
      core.info(`Committed ${commit} to ${options.base} in ${repo.fullName}`)
      return { prepared, commitSha: commit, attempts: attempt }
    }

    if (attempt >= maxAttempts) {
      throw new Error(
        `Could not update refs/heads/${options.base} in ${repo.fullName}: another workflow kept pushing to ${options.base}; ` +
          `gave up after ${attempt} attempts. Re-run the job, or use \`mode: pr\`.`,
      )
    }
    const wait = backoff(delayMs, attempt)
    core.info(
      `${options.base} moved on in ${repo.fullName} (someone else pushed); rebasing the change, attempt ${attempt + 1} of ${maxAttempts} in ${wait} ms`,
    )
    await systemClock.sleep(wait)
    snapshot = await repo.snapshot(options.base)
    // GitHub may have applied an update whose answer got lost on the way: then the base is ours.
    if (snapshot.commitSha === lastCommit) {
      return { prepared, commitSha: lastCommit, attempts: attempt }
    }
  }
}

/**
 * Puts the change as one commit on top of the current base onto `branch`, which belongs to the
 * action (reset onto the latest base each run), and creates or updates the one open pull
 * request of that branch. A rerun with nothing new neither commits nor moves the branch.
 */
export async function updatePullRequest<T extends Prepared>(
  repo: GitOpsRepository,
  options: PullRequestOptions<T>,
): Promise<PullRequestOutcome<T>> {
  const { initial } = options
  const delayMs = options.retryDelayMs ?? DEFAULT_DELAY_MS
  const prepared = await options.prepare(initial, true)
  if (prepared.files.length === 0) return { prepared, attempts: 1 }
  const tree = await repo.createTree(initial.treeSha, prepared.files)
  if (tree === initial.treeSha) return { prepared, attempts: 1 }

  const { commitSha, moved } = await placeCommit(repo, options, tree)
  const pull = await upsertPullRequest(repo, options, options.body(prepared), moved, delayMs)
  if (options.labels.some((label) => !pull.labels.includes(label))) {
    await settle(delayMs, pull.created, () => repo.addLabels(pull.number, options.labels))
  }
  return {
    prepared,
    commitSha,
    attempts: 1,
    pullRequest: { number: pull.number, url: pull.url, created: pull.created },
  }
}

async function placeCommit(
  repo: GitOpsRepository,
  options: PullRequestOptions<Prepared>,
  tree: string,
): Promise<{ commitSha: string; moved: boolean }> {
  const { base, branch, initial } = options
  const head = await repo.findBranch(branch)
  if (
    head !== undefined &&
    head.treeSha === tree &&
    head.parents.length === 1 &&
    head.parents[0] === initial.commitSha
  ) {
    core.info(`${branch} already holds this change on top of ${base} (${head.commitSha}); not moving it`)
    return { commitSha: head.commitSha, moved: false }
  }
  const commit = await repo.createCommit(options.message, tree, [initial.commitSha])
  if (head === undefined && (await repo.createBranch(branch, commit)) === 'created') {
    core.info(`Created ${branch} at ${commit} in ${repo.fullName}`)
  } else {
    // The branch is the action's own: it is reset onto the latest base, whatever it held.
    await repo.updateBranch(branch, commit, true)
    core.info(`Moved ${branch} to ${commit} on top of ${base} in ${repo.fullName}`)
  }
  return { commitSha: commit, moved: true }
}

interface PullRequestResult extends PullRequest {
  readonly created: boolean
}

async function upsertPullRequest(
  repo: GitOpsRepository,
  options: PullRequestOptions<Prepared>,
  body: string,
  justMoved: boolean,
  delayMs: number,
): Promise<PullRequestResult> {
  const { base, branch, title } = options
  const existing = await repo.findPullRequest(branch)
  if (existing !== undefined) return updateExisting(repo, existing, base, title, body)

  // Right after the branch was created or moved GitHub can still answer 422 ("No commits
  // between …", "head sha can't be blank") for a moment.
  const created = await settle(delayMs, justMoved, () => repo.createPullRequest(branch, base, title, body))
  if (created !== 'exists') {
    core.info(`Opened pull request #${created.number}: ${created.url}`)
    return { ...created, created: true }
  }
  // Another run opened it between our lookup and our create; it may take a moment to be listed.
  for (let retry = 0; ; retry++) {
    const raced = await repo.findPullRequest(branch)
    if (raced !== undefined) return updateExisting(repo, raced, base, title, body)
    if (retry >= SETTLE_RETRIES) {
      throw new Error(
        `Could not open a pull request from ${branch} into ${base} in ${repo.fullName}: GitHub says one already exists, but lists no open one.`,
      )
    }
    await systemClock.sleep(backoff(delayMs, retry + 1))
  }
}

/** Brings the branch's one open pull request up to date, retargeting it when `base` changed. */
async function updateExisting(
  repo: GitOpsRepository,
  pull: PullRequest,
  base: string,
  title: string,
  body: string,
): Promise<PullRequestResult> {
  if (pull.title === title && pull.body === body && pull.base === base) {
    core.info(`Pull request #${pull.number} is up to date: ${pull.url}`)
    return { ...pull, created: false }
  }
  const updated = await repo.updatePullRequest(pull.number, title, body, base)
  core.info(`Updated pull request #${updated.number}: ${updated.url}`)
  return { ...updated, created: false }
}

/** Runs `call`, retrying GitHub's eventual-consistency 422/404 a few times when `fresh` says something was just created. */
async function settle<R>(delayMs: number, fresh: boolean, call: () => Promise<R>): Promise<R> {
  for (let retry = 0; ; retry++) {
    try {
      return await call()
    } catch (error) {
      const status = statusOf(error)
      if (!fresh || retry >= SETTLE_RETRIES || (status !== 422 && status !== 404)) throw error
      const wait = backoff(delayMs, retry + 1)
      core.info(`GitHub has not caught up yet (HTTP ${status}); retrying in ${wait} ms`)
      await systemClock.sleep(wait)
    }
  }
}
