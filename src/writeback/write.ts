// How the pinned manifests become one commit on the base branch or one pull request, as `mode`
// says (nothing in a dry run). Neither manifests/ nor gitops/ knows about the other; this joins them.
import * as core from '@actions/core'
import type { Snapshot } from '../gitops/repository.js'
import { type PullRequestOutcome, updatePullRequest } from '../gitops/pull-request.js'
import { type MovedBase, pushToBase } from '../gitops/writer.js'
import { type ManifestFile, type PinPlan, type PinSelector, planPins } from '../manifests/plan.js'
import { combinedValues, renderForAll } from '../fleet/images.js'
import { unifiedDiff } from '../report/diff.js'
import { pullRequestBody } from '../report/pull-request.js'
import { renderTemplate, templateValues } from '../report/templates.js'
import type { Settings } from '../settings.js'
import { InputError, errorMessage } from '../errors.js'
import { createGitHubClient } from '../gitops/client.js'
import { readSourceCommit } from '../provenance/source.js'
import { type SourceCommit, withReferenceTrailers } from '../provenance/trailers.js'
import { type PinnedChange, deploymentFacts } from './facts.js'
import type { GitOps } from './gitops.js'
import { type ManifestRead, type ManifestTarget, rereadManifests } from './read.js'

export interface WriteBackOutcome {
  readonly base: string
  /** The rendered `commit-message` (a merge commit's message starts from it). */
  readonly commitMessage: string
  readonly change: PinnedChange
  /** Whether this run wrote a commit (false in dry runs and reruns that found their change in place). */
  readonly written: boolean
  readonly commitSha?: string
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean }
  /** `merge`: the pull request was merged, and `commitSha` is the commit that landed on the base. */
  readonly merged?: boolean
  /** The source commit the GitOps commit names in its reference trailers (none in a dry run). */
  readonly source?: SourceCommit
}

/** Pins each image in turn: the next image's pin works on the previous one's result. */
function pinAll(files: readonly ManifestFile[], selectors: readonly PinSelector[], pinned: readonly string[]) {
  let current: readonly ManifestFile[] = files
  const plans = selectors.map((selector, i) => {
    const plan = planPins(current, selector, pinned[i]!)
    current = plan.files.map((file, j) => ({ ...current[j]!, content: file.after }))
    return plan
  })
  const combinedFiles = files.map((file, j) => ({
    path: file.path,
    before: file.content,
    after: current[j]!.content,
    // By line, not by image: the same images in another order describe the change the same way.
    changes: plans.flatMap((plan) => plan.files[j]!.changes).sort((a, b) => a.line - b.line),
    sites: plans.reduce((sum, plan) => sum + plan.files[j]!.sites, 0),
  }))
  const combined: PinPlan = {
    files: combinedFiles,
    changedFiles: files.filter((file, j) => file.content !== current[j]!.content).map((file) => file.path),
    changes: combinedFiles.flatMap((file) => file.changes),
  }
  return { combined, perImage: plans.map((plan) => plan.changedFiles) }
}

/**
 * Pins the image in the manifests and writes the result as the `mode` says (nothing in dry-run).
 * `sourceAlreadyRead`: the source commit an earlier write of this run read, so a rewrite does not read it again.
 */
export async function writeBack(
  gitops: GitOps,
  settings: Settings,
  target: ManifestTarget,
  digests: readonly string[],
  sourceAlreadyRead?: SourceCommit,
): Promise<WriteBackOutcome> {
  const all = settings.images.map((image, i) => templateValues(image, digests[i]!))
  const values = combinedValues(all)
  let known: ManifestRead = target
  const prepare = async (snapshot: Snapshot, moved?: MovedBase): Promise<PinnedChange> => {
    if (moved !== undefined) known = await rereadManifests(gitops, settings, snapshot, known, moved)
    const { combined: plan, perImage } = pinAll(
      known.files,
      gitops.selectors,
      all.map((v) => v.image),
    )
    return {
      plan,
      files: plan.files
        .filter((file) => file.before !== file.after)
        .map((file) => {
          const mode = known.files.find((read) => read.path === file.path)?.mode
          return { path: file.path, content: file.after, ...(mode !== undefined && { mode }) }
        }),
      changedFilesPerImage: perImage,
    }
  }
  const render = (input: string, template: string, forImages = all): string => {
    try {
      return renderForAll(template, forImages)
    } catch (error) {
      throw new InputError(input, errorMessage(error))
    }
  }
  const base = target.base
  if (settings.dryRun) {
    const change = await prepare(target.snapshot)
    logChange(change)
    core.info(
      `Dry run: would ${settings.mode === 'push' ? `commit to ${base}` : `open or update a pull request from ${settings.branch} into ${base}${settings.merge ? ` and merge it (${settings.merge.method}) once GitHub allows it` : ''}`}; nothing was written.`,
    )
    return { base, commitMessage: render('commit-message', settings.templates.commitMessage), change, written: false }
  }

  const source =
    sourceAlreadyRead ??
    (await readSourceCommit(settings.run, () => createGitHubClient(settings.sourceToken, settings.run.apiUrl)))
  const message = withReferenceTrailers(render('commit-message', settings.templates.commitMessage), source)

  if (settings.mode === 'push') {
    const outcome = await pushToBase(gitops.repository, {
      base,
      initial: target.snapshot,
      message,
      prepare,
      timeoutMs: settings.pushTimeoutMs,
    })
    return written(base, message, outcome, source)
  }

  const title = render('title', settings.templates.title)
  const intro = render('body', settings.templates.body)
  const outcome = await updatePullRequest(gitops.repository, {
    base,
    initial: target.snapshot,
    branch: settings.branch,
    message,
    title,
    labels: [
      ...new Set(settings.labels.flatMap((label) => all.map((v) => render('labels', renderTemplate(label, v))))),
    ],
    prepare,
    body: (change) =>
      pullRequestBody(deploymentFacts(settings, gitops, base, change, values, undefined, source.sha), intro),
  })
  return written(base, message, outcome, source)
}

/** What the writer did (push or pull request), logged and told as the run's outcome. */
function written(
  base: string,
  commitMessage: string,
  outcome: PullRequestOutcome<PinnedChange>,
  source: SourceCommit,
): WriteBackOutcome {
  logChange(outcome.prepared)
  return {
    base,
    commitMessage,
    source,
    change: outcome.prepared,
    written: outcome.commitSha !== undefined,
    ...(outcome.commitSha !== undefined && { commitSha: outcome.commitSha }),
    ...(outcome.pullRequest !== undefined && { pullRequest: outcome.pullRequest }),
  }
}

function logChange(change: PinnedChange): void {
  if (change.files.length === 0) {
    core.info('Every matching container already runs this digest: nothing to change.')
    return
  }
  for (const file of change.plan.files) {
    if (file.changes.length > 0) core.info(unifiedDiff(file.path, file.before, file.after))
  }
}
