// pr mode: the change as one commit on the action's own branch, reset onto the latest base each
// run, and the one reusable pull request of that branch, created or brought up to date.
import * as core from '@actions/core'
import { retry, statusOf } from '../net/retry.js'
import {
  type BranchHead,
  type FileUpdate,
  type GitOpsRepository,
  type PullRequest,
  type Snapshot,
  gitBlobSha,
} from './repository.js'
import { DEFAULT_DELAY_MS, type Prepared, type PushOutcome, type WriteOptions, policy } from './writer.js'

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

// Right after a ref or pull request is created, GitHub's other endpoints can lag behind for a
// moment and answer 422/404; a few short retries ride that out.
const SETTLE_ATTEMPTS = 4

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
  const prepared = await options.prepare(initial)
  if (prepared.files.length === 0) return { prepared, attempts: 1 }
  const head = await repo.findBranch(options.branch)
  let placed: { commitSha: string; moved: boolean; created: boolean }
  if (head !== undefined && (await holdsChange(repo, initial, head, prepared.files))) {
    core.info(
      `${options.branch} already holds this change on top of ${options.base} (${head.commitSha}); not moving it`,
    )
    placed = { commitSha: head.commitSha, moved: false, created: false }
  } else {
    const tree = await repo.createTree(initial.treeSha, prepared.files)
    if (tree === initial.treeSha) return { prepared, attempts: 1 }
    placed = await placeCommit(repo, options, tree, head)
  }
  const { commitSha, moved, created } = placed
  const pull = await upsertPullRequest(repo, options, options.body(prepared), moved, created)
  if (options.labels.some((label) => !pull.labels.includes(label))) {
    await settle(options, pull.created, () => repo.addLabels(pull.number, options.labels))
  }
  return {
    prepared,
    // A rerun that finds its change already on the branch writes nothing.
    ...(moved && { commitSha }),
    attempts: 1,
    pullRequest: { number: pull.number, url: pull.url, created: pull.created },
  }
}

/**
 * Whether the branch is one commit on top of the base that changes exactly these files to exactly
 * these bytes (compare answer's blob shas against git's hash of the contents): then a rerun, or
 * the same images in another order, writes no tree and no commit. One read instead of a write.
 */
async function holdsChange(
  repo: GitOpsRepository,
  initial: Snapshot,
  head: BranchHead,
  files: readonly FileUpdate[],
): Promise<boolean> {
  if (head.parents.length !== 1 || head.parents[0] !== initial.commitSha) return false
  const moved = await repo.movedSince(initial.commitSha, head.branch)
  if (moved?.changes === undefined || moved.head.commitSha !== head.commitSha) return false
  const { changes } = moved
  return (
    changes.size === files.length &&
    files.every((file) => {
      const change = changes.get(file.path)
      return change?.status === 'modified' && change.blob === gitBlobSha(file.content)
    })
  )
}

async function placeCommit(
  repo: GitOpsRepository,
  options: PullRequestOptions<Prepared>,
  tree: string,
  head: BranchHead | undefined,
): Promise<{ commitSha: string; moved: boolean; created: boolean }> {
  const { base, branch, initial } = options
  if (
    head !== undefined &&
    head.treeSha === tree &&
    head.parents.length === 1 &&
    head.parents[0] === initial.commitSha
  ) {
    core.info(`${branch} already holds this change on top of ${base} (${head.commitSha}); not moving it`)
    return { commitSha: head.commitSha, moved: false, created: false }
  }
  const commit = await repo.createCommit(options.message, tree, [initial.commitSha])
  if (head === undefined && (await repo.createBranch(branch, commit)) === 'created') {
    core.info(`Created ${branch} at ${commit} in ${repo.fullName}`)
    return { commitSha: commit, moved: true, created: true }
  }
  // The branch is the action's own: it is reset onto the latest base, whatever it held.
  await repo.updateBranch(branch, commit, true)
  core.info(`Moved ${branch} to ${commit} on top of ${base} in ${repo.fullName}`)
  return { commitSha: commit, moved: true, created: false }
}

interface PullRequestResult extends PullRequest {
  readonly created: boolean
}

async function upsertPullRequest(
  repo: GitOpsRepository,
  options: PullRequestOptions<Prepared>,
  body: string,
  justMoved: boolean,
  branchCreated: boolean,
): Promise<PullRequestResult> {
  const { base, branch, title } = options
  // GitHub closes a pull request whose head branch is deleted: a branch this run created has none open.
  const existing = branchCreated ? undefined : await repo.findPullRequest(branch)
  if (existing !== undefined) return updateExisting(repo, existing, base, title, body)

  // Right after the branch was created or moved GitHub can still answer 422 ("No commits
  // between …", "head sha can't be blank") for a moment.
  const created = await settle(options, justMoved, () => repo.createPullRequest(branch, base, title, body))
  if (created !== 'exists') {
    core.info(`Opened pull request #${created.number}: ${created.url}`)
    return { ...created, created: true }
  }
  // Another run opened it between our lookup and our create; it may take a moment to be listed.
  const raced = await retry(
    async () => {
      const found = await repo.findPullRequest(branch)
      if (found === undefined) throw new NotListedYet()
      return found
    },
    {
      policy: { ...policy(options.retryDelayMs ?? DEFAULT_DELAY_MS), attempts: SETTLE_ATTEMPTS },
      classify: (error) =>
        error instanceof NotListedYet ? { retry: true, reason: 'not listed yet' } : { retry: false },
      ...(options.clock !== undefined && { clock: options.clock }),
    },
  ).catch((error: unknown) => {
    if (!(error instanceof NotListedYet)) throw error
    throw new Error(
      `Could not open a pull request from ${branch} into ${base} in ${repo.fullName}: GitHub says one already exists, but lists no open one.`,
    )
  })
  return updateExisting(repo, raced, base, title, body)
}

class NotListedYet extends Error {}

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
function settle<R>(options: WriteOptions<Prepared>, fresh: boolean, call: () => Promise<R>): Promise<R> {
  return retry(call, {
    policy: { ...policy(options.retryDelayMs ?? DEFAULT_DELAY_MS), attempts: fresh ? SETTLE_ATTEMPTS : 1 },
    classify: (error) => {
      const status = statusOf(error)
      return status === 422 || status === 404 ? { retry: true, reason: `HTTP ${status}` } : { retry: false }
    },
    onRetry: ({ reason, delayMs }) => core.info(`GitHub has not caught up yet (${reason}); retrying in ${delayMs} ms`),
    ...(options.clock !== undefined && { clock: options.clock }),
  })
}
