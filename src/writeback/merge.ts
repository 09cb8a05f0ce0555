// pr mode with `merge`: the repository's merge settings checked before anything is written, the run's
// pull request merged once GitHub allows it (rebuilt on a new base when it conflicts), and the revert
// of a failed deploy written and merged through a pull request of its own.
import * as core from '@actions/core'
import { settleOutput } from '../cancel.js'
import { InputError } from '../errors.js'
import { PROTECTED_BRANCH_ADVICE } from '../gitops/github-error.js'
import type {
  MergeApi,
  MergeCommitMessage,
  MergeMethod,
  PullStatus,
  RepositoryMergeSettings,
} from '../gitops/merge-api.js'
import { type LandOptions, type Landed, landPullRequest } from '../gitops/merge-pull-request.js'
import { updatePullRequest } from '../gitops/pull-request.js'
import type { Snapshot } from '../gitops/repository.js'
import type { MergeSettings, Settings } from '../settings.js'
import { type RevertPlan, type WrittenFile, planRevert } from '../verify/revert-plan.js'
import { type RevertOutcome, type Reverter, readIfPresent } from '../verify/revert.js'
import type { GitOps } from './gitops.js'
import { readManifestTarget } from './read.js'
import { type WriteBackOutcome, writeBack } from './write.js'

const SETTING_NAMES: Record<MergeMethod, { label: string; field: string }> = {
  merge: { label: 'Allow merge commits', field: 'mergeCommitAllowed' },
  squash: { label: 'Allow squash merging', field: 'squashMergeAllowed' },
  rebase: { label: 'Allow rebase merging', field: 'rebaseMergeAllowed' },
}

/** What the merge step needs after the pre-flight: the method, the timeout and the repository's settings. */
export interface Merging {
  readonly merge: MergeSettings
  readonly repository: RepositoryMergeSettings
}

/**
 * Before anything is pushed: push mode into a protected base must be allowed to push (one read,
 * only when GitHub reports the branch protected); with `merge`, the repository must allow the
 * method (one read of its settings).
 */
export async function checkBranchWrites(
  gitops: GitOps,
  settings: Settings,
  target: { readonly base: string; readonly snapshot: Snapshot },
): Promise<Merging | undefined> {
  const base = target.base
  if (settings.mode === 'push' && target.snapshot.protected === true && !(await gitops.merges.canPush(base))) {
    throw new Error(
      `Cannot commit to ${base} in ${gitops.merges.fullName}: GitHub says the token may not push to it. ${PROTECTED_BRANCH_ADVICE}`,
    )
  }
  const merge = settings.merge
  if (merge === undefined) return undefined
  return checkMergeMethod(gitops.merges, base, merge)
}

/** The repository's merge settings for `base`, with `merge.method` allowed (else an input error naming the setting). */
export async function checkMergeMethod(merges: MergeApi, base: string, merge: MergeSettings): Promise<Merging> {
  const repository = await merges.readSettings(base)
  if (!repository.allowed[merge.method]) {
    const { label, field } = SETTING_NAMES[merge.method]
    const allowed = (Object.keys(repository.allowed) as MergeMethod[]).filter((method) => repository.allowed[method])
    throw new InputError(
      'merge',
      `"${merge.method}": ${merges.fullName} does not allow it (the repository setting "${label}", \`${field}\`, is off). ` +
        (allowed.length > 0
          ? `Use ${allowed.map((method) => `\`merge: ${method}\``).join(' or ')}, or turn "${label}" on in Settings → General → Pull Requests.`
          : `Turn "${label}" on in Settings → General → Pull Requests.`),
    )
  }
  if (repository.mergeQueue) core.info(`${base} requires a merge queue: the pull request will be enqueued`)
  else if (!repository.autoMergeAllowed)
    core.info(`Auto-merge is not allowed in ${merges.fullName}: the action will merge directly once GitHub allows it`)
  return { merge, repository }
}

/**
 * The merge commit's headline and body, from the pull request and the run's commit message. This is
 * where trailers for the merge commit belong (the caller may extend the body).
 */
export function mergeCommitMessage(
  method: MergeMethod,
  pull: Pick<PullStatus, 'number' | 'title'>,
  head: { readonly owner: string; readonly branch: string },
  commitMessage: string,
): MergeCommitMessage {
  const [headline = '', ...rest] = commitMessage.split('\n')
  const details = rest.join('\n').trim()
  if (method === 'merge') {
    return {
      headline: `Merge pull request #${pull.number} from ${head.owner}/${head.branch}`,
      body: details === '' ? pull.title : `${pull.title}\n\n${details}`,
    }
  }
  return { headline: `${pull.title} (#${pull.number})`, body: details === '' ? headline : `${headline}\n\n${details}` }
}

export interface LandedWriteBack {
  /** The write-back as it ended (after any rebuild), its commit being the one that landed on the base. */
  readonly outcome: WriteBackOutcome
  readonly landed?: Landed
}

/**
 * Merges the run's pull request and waits for it. `rewrite` writes the change again on top of the
 * current base (the pr-mode writer), for a conflict with commits that landed meanwhile.
 */
export async function landWriteBack(
  gitops: GitOps,
  settings: Settings,
  merging: Merging,
  outcome: WriteBackOutcome,
  rewrite: () => Promise<WriteBackOutcome>,
  commitMessage: (pull: PullStatus) => MergeCommitMessage = (pull) =>
    mergeCommitMessage(
      merging.merge.method,
      pull,
      { owner: gitops.merges.owner, branch: settings.branch },
      outcome.commitMessage,
    ),
): Promise<LandedWriteBack> {
  const pullRequest = outcome.pullRequest
  if (pullRequest === undefined) {
    core.info('No pull request to merge: the base branch already runs these images.')
    return { outcome }
  }
  let latest = outcome
  // A run that fails while waiting still tells later steps which pull request it left open.
  core.setOutput('pull-request-number', String(pullRequest.number))
  core.setOutput('pull-request-url', pullRequest.url)
  const landed = await landPullRequest(
    gitops.merges,
    landing(merging, pullRequest.number, outcome.commitSha, commitMessage, async () => {
      latest = await rewrite()
      return latest.commitSha ?? (await gitops.repository.findBranch(settings.branch))?.commitSha ?? ''
    }),
  )
  return {
    outcome: { ...latest, pullRequest, written: true, commitSha: landed.sha, merged: true },
    landed,
  }
}

/** The revert branch of a deploy branch: `revert/deploy/api` for `deploy/api`. */
export function revertBranch(branch: string): string {
  return `revert/${branch}`
}

/**
 * on-failure: revert with `merge`: the restoring change as a pull request on its own branch, merged
 * the same way as the deploy; resolves to the plan and the commit that landed on the base.
 */
export async function revertThroughPullRequest(
  gitops: Pick<GitOps, 'repository' | 'merges'>,
  branch: string,
  merging: Merging,
  base: string,
  written: readonly WrittenFile[],
  message: string,
): Promise<RevertOutcome> {
  const repository = gitops.repository
  const [title = 'Revert'] = message.split('\n')
  const prepare = async (snapshot: Snapshot): Promise<RevertPlan> => {
    const current = new Map<string, string | undefined>()
    for (const file of written) current.set(file.path, await readIfPresent(repository, snapshot, file.path))
    return planRevert(written, current)
  }
  const write = async () =>
    updatePullRequest(repository, {
      base,
      initial: await repository.snapshot(base),
      branch,
      message,
      title,
      labels: [],
      prepare,
      body: () => message.split('\n').slice(1).join('\n').trim(),
    })
  let outcome = await write()
  const plan = outcome.prepared
  for (const item of plan.restored) core.info(`Revert: restored ${item.description}`)
  for (const item of plan.leftAlone) core.warning(`Revert: left alone ${item.description}`)
  const pullRequest = outcome.pullRequest
  if (pullRequest === undefined) return { plan }
  core.info(`Revert pull request #${pullRequest.number}: ${pullRequest.url}`)
  const landed = await landPullRequest(
    gitops.merges,
    landing(
      merging,
      pullRequest.number,
      outcome.commitSha,
      (pull) => mergeCommitMessage(merging.merge.method, pull, { owner: gitops.merges.owner, branch }, message),
      async () => {
        outcome = await write()
        return outcome.commitSha ?? (await repository.findBranch(branch))?.commitSha ?? ''
      },
    ),
  )
  return { plan: outcome.prepared, commitSha: landed.sha, pullRequestUrl: pullRequest.url }
}

/**
 * After the write-back: the pull request merged (rewritten on the new base when it conflicts), and
 * how a failed deploy is reverted (through a pull request of its own, merged the same way).
 */
export async function mergeWriteBack(
  gitops: GitOps,
  settings: Settings,
  merging: Merging,
  written: WriteBackOutcome,
  digests: readonly string[],
): Promise<{ outcome: WriteBackOutcome; reverter: Reverter }> {
  const rewrite = async () =>
    writeBack(gitops, settings, await readManifestTarget(gitops, settings), digests, written.source)
  const { outcome } = await landWriteBack(gitops, settings, merging, written, rewrite)
  // The commit that landed on the base is what a cancelled job reports from here on.
  if (outcome.commitSha !== undefined) settleOutput('commit-sha', outcome.commitSha)
  return {
    outcome,
    reverter: (base, files, message) =>
      revertThroughPullRequest(gitops, revertBranch(settings.branch), merging, base, files, message),
  }
}

/** How a pull request this run wrote is landed: the head it wrote, merged the repository's way with this message. */
function landing(
  merging: Merging,
  number: number,
  head: string | undefined,
  message: LandOptions['message'],
  rebuild: LandOptions['rebuild'],
): LandOptions {
  return {
    number,
    ...(head !== undefined && { head }),
    method: merging.merge.method,
    timeoutMs: merging.merge.timeoutMs,
    autoMergeAllowed: merging.repository.autoMergeAllowed,
    mergeQueue: merging.repository.mergeQueue,
    message,
    rebuild,
  }
}
