// Where the manifests meet the GitOps repository: which files to read at which commit,
// and how their pinned versions become one commit on the base branch or one pull request.
// Neither manifests/ nor gitops/ knows about the other; this module joins them.
import * as core from '@actions/core'
import { createGitHubClient } from './gitops/client.js'
import { GitOpsRepository, type FileUpdate, type Snapshot, gitBlobSha } from './gitops/repository.js'
import { type MovedBase, pushToBase, updatePullRequest } from './gitops/writer.js'
import { formatReference, normalizedRepository } from './image/reference.js'
import { isExplicitFileList, selectManifestFiles } from './manifests/patterns.js'
import { type ContainerSelector } from './manifests/pin.js'
import { type ManifestFile, type PinPlan, checkManifests, planPins } from './manifests/plan.js'
import { ManifestError } from './manifests/pin.js'
import { combinedValues, renderForAll } from './fleet/images.js'
import { unifiedDiff } from './report/diff.js'
import { type DeploymentFacts, pullRequestBody } from './report/pull-request.js'
import { renderTemplate, templateValues } from './report/templates.js'
import type { Settings } from './settings.js'
import { InputError, errorMessage } from './errors.js'

export interface GitOps {
  readonly repository: GitOpsRepository
  /** The first image's selector (of `selectors`). */
  readonly selector: ContainerSelector
  /** One per image, in the order of the `image` input. */
  readonly selectors: readonly ContainerSelector[]
}

/** The base branch as read before anything was pushed: reused by the first write attempt. */
export interface ManifestTarget {
  readonly base: string
  readonly snapshot: Snapshot
  readonly files: readonly ManifestFile[]
}

export interface PinnedChange {
  /** All images together: each file before the first pin and after the last. */
  readonly plan: PinPlan
  readonly files: readonly FileUpdate[]
  /** Per image, in input order: the files its pin changes. */
  readonly changedFilesPerImage: readonly (readonly string[])[]
}

export interface WriteBackOutcome {
  readonly base: string
  readonly change: PinnedChange
  /** Whether this run wrote a commit (false in dry runs and reruns that found their change in place). */
  readonly written: boolean
  readonly commitSha?: string
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean }
}

export function openGitOps(settings: Settings): GitOps {
  const client = createGitHubClient(settings.token, settings.run.apiUrl)
  const selectors = settings.images.map((image) => ({
    repository: normalizedRepository(image),
    ...(settings.container !== undefined && { container: settings.container }),
  }))
  return {
    repository: new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo),
    selector: selectors[0]!,
    selectors,
  }
}

/** Reads the selected manifests at the head of the base branch and checks they name the image. */
export async function readManifestTarget(gitops: GitOps, settings: Settings): Promise<ManifestTarget> {
  const base = settings.base ?? (await gitops.repository.defaultBranch())
  if (settings.mode === 'pr' && base === settings.branch) {
    throw new InputError(
      'branch',
      `is "${base}", the base branch. The pull request needs a branch of its own; use mode: push to commit to "${base}" directly.`,
    )
  }
  const snapshot = await gitops.repository.snapshot(base)
  core.info(`${gitops.repository.fullName}@${base} is at ${snapshot.commitSha}`)
  const files = await readManifests(gitops, settings, snapshot)
  checkEveryImage(files, gitops, settings)
  return { base, snapshot, files }
}

/** Every image must match at least one container: one error lists those that match none. */
function checkEveryImage(files: readonly ManifestFile[], gitops: GitOps, settings: Settings): void {
  const unmatched: string[] = []
  for (const [i, selector] of gitops.selectors.entries()) {
    try {
      for (const { path, sites } of checkManifests(files, selector)) {
        if (sites.length > 0)
          core.info(`${path}: ${sites.length} container${sites.length === 1 ? '' : 's'} of ${selector.repository}`)
      }
    } catch (error) {
      if (gitops.selectors.length === 1 || !(error instanceof ManifestError)) throw error
      unmatched.push(`${formatReference(settings.images[i]!)} (${error.message})`)
    }
  }
  if (unmatched.length > 0) {
    throw new InputError(
      'image',
      `${unmatched.length} of ${gitops.selectors.length} images match no container in the selected manifests; nothing was pushed or written: ${unmatched.join('; ')}`,
    )
  }
}

/** Pins each image in turn: the next image's pin works on the previous one's result. */
function pinAll(files: readonly ManifestFile[], selectors: readonly ContainerSelector[], pinned: readonly string[]) {
  let current: readonly ManifestFile[] = files
  const plans = selectors.map((selector, i) => {
    const plan = planPins(current, selector, pinned[i]!)
    current = plan.files.map((file) => ({ path: file.path, content: file.after }))
    return plan
  })
  const combined: PinPlan = {
    files: files.map((file, j) => ({
      path: file.path,
      before: file.content,
      after: current[j]!.content,
      changes: plans.flatMap((plan) => plan.files[j]!.changes),
      sites: plans.reduce((sum, plan) => sum + plan.files[j]!.sites, 0),
    })),
    changedFiles: files.filter((file, j) => file.content !== current[j]!.content).map((file) => file.path),
    changes: plans.flatMap((plan) => plan.changes),
  }
  return { combined, perImage: plans.map((plan) => plan.changedFiles) }
}

async function readManifests(
  gitops: GitOps,
  settings: Settings,
  snapshot: Snapshot,
  listing?: ReadonlyMap<string, string>,
): Promise<ManifestFile[]> {
  const { repository } = gitops
  const paths = isExplicitFileList(settings.manifests)
    ? settings.manifests
    : selectManifestFiles(
        settings.manifests,
        listing === undefined ? await repository.listFiles(snapshot) : [...listing.keys()],
        `${repository.fullName}@${snapshot.branch}`,
      )
  return repository.readFiles(snapshot, paths)
}

/**
 * The manifests at a base that moved under the run: a file whose blob is unchanged keeps the text
 * already read; only files another commit changed (or added to the selection) are read again.
 */
async function rereadManifests(
  gitops: GitOps,
  settings: Settings,
  snapshot: Snapshot,
  known: readonly ManifestFile[],
  moved: MovedBase,
): Promise<ManifestFile[]> {
  const { blobs } = moved
  if (blobs === undefined) return readManifests(gitops, settings, snapshot)
  const paths = isExplicitFileList(settings.manifests)
    ? settings.manifests
    : selectManifestFiles(settings.manifests, [...blobs.keys()], `${gitops.repository.fullName}@${snapshot.branch}`)
  const still = new Map(
    known.filter((file) => blobs.get(file.path) === gitBlobSha(file.content)).map((file) => [file.path, file]),
  )
  const stale = paths.filter((path) => !still.has(path))
  if (stale.length > 0) core.info(`Changed under this run, read again: ${stale.join(', ')}`)
  const fresh = new Map((await gitops.repository.readFiles(snapshot, stale)).map((file) => [file.path, file]))
  return paths.map((path) => still.get(path) ?? fresh.get(path)!)
}

/** Pins the image in the manifests and writes the result as the `mode` says (nothing in dry-run). */
export async function writeBack(
  gitops: GitOps,
  settings: Settings,
  target: ManifestTarget,
  digests: readonly string[],
): Promise<WriteBackOutcome> {
  const all = settings.images.map((image, i) => templateValues(image, digests[i]!))
  const values = combinedValues(all)
  let known: readonly ManifestFile[] = target.files
  const prepare = async (snapshot: Snapshot, moved?: MovedBase): Promise<PinnedChange> => {
    if (moved !== undefined) known = await rereadManifests(gitops, settings, snapshot, known, moved)
    const { combined: plan, perImage } = pinAll(
      known,
      gitops.selectors,
      all.map((v) => v.image),
    )
    return {
      plan,
      files: plan.files
        .filter((file) => file.before !== file.after)
        .map((file) => ({ path: file.path, content: file.after })),
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
  const message = render('commit-message', settings.templates.commitMessage)
  const base = target.base

  if (settings.dryRun) {
    const change = await prepare(target.snapshot)
    logChange(change)
    core.info(
      `Dry run: would ${settings.mode === 'push' ? `commit to ${base}` : `open or update a pull request from ${settings.branch} into ${base}`}; nothing was written.`,
    )
    return { base, change, written: false }
  }

  if (settings.mode === 'push') {
    const outcome = await pushToBase(gitops.repository, {
      base,
      initial: target.snapshot,
      message,
      prepare,
      timeoutMs: settings.pushTimeoutMs,
    })
    logChange(outcome.prepared)
    return {
      base,
      change: outcome.prepared,
      written: outcome.commitSha !== undefined,
      ...(outcome.commitSha !== undefined && { commitSha: outcome.commitSha }),
    }
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
    body: (change) => pullRequestBody(deploymentFacts(settings, gitops, base, change, values), intro),
  })
  logChange(outcome.prepared)
  return {
    base,
    change: outcome.prepared,
    written: outcome.commitSha !== undefined,
    ...(outcome.commitSha !== undefined && { commitSha: outcome.commitSha }),
    ...(outcome.pullRequest !== undefined && { pullRequest: outcome.pullRequest }),
  }
}

export function deploymentFacts(
  settings: Settings,
  gitops: GitOps,
  base: string,
  change: PinnedChange,
  image: DeploymentFacts['image'],
  publish?: DeploymentFacts['publish'],
): DeploymentFacts {
  return {
    image,
    registry: settings.image.registry,
    gitopsRepository: gitops.repository.fullName,
    base,
    files: change.plan.files
      .filter((file) => file.changes.length > 0)
      .map((file) => ({
        path: file.path,
        diff: unifiedDiff(file.path, file.before, file.after),
        changes: file.changes,
      })),
    source: {
      serverUrl: settings.run.serverUrl,
      repository: settings.run.repository,
      sha: settings.run.sha,
      runId: settings.run.runId,
    },
    ...(publish !== undefined && { publish }),
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
