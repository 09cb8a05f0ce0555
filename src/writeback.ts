// Where the manifests meet the GitOps repository: which files to read at which commit,
// and how their pinned versions become one commit on the base branch or one pull request.
// Neither manifests/ nor gitops/ knows about the other; this module joins them.
import * as core from '@actions/core'
import { createGitHubClient } from './gitops/client.js'
import { GitOpsRepository, type FileUpdate, type Snapshot } from './gitops/repository.js'
import { pushToBase, updatePullRequest } from './gitops/writer.js'
import { normalizedRepository } from './image/reference.js'
import { isGoTemplate, templateAdvice } from './manifests/gotemplate.js'
import { findKustomizeImages, isKustomizationPath } from './manifests/kustomize.js'
import { isExplicitFileList, selectManifests } from './manifests/patterns.js'
import { type ManifestFile, type PinPlan, type PinSelector, checkManifests, planPins } from './manifests/plan.js'
import { unifiedDiff } from './report/diff.js'
import { type DeploymentFacts, pullRequestBody } from './report/pull-request.js'
import { renderTemplate, templateValues } from './report/templates.js'
import type { Settings } from './settings.js'
import { InputError, errorMessage } from './errors.js'

export interface GitOps {
  readonly repository: GitOpsRepository
  readonly selector: PinSelector
}

/** The base branch as read before anything was pushed: reused by the first write attempt. */
export interface ManifestTarget {
  readonly base: string
  readonly snapshot: Snapshot
  readonly files: readonly ManifestFile[]
}

export interface PinnedChange {
  readonly plan: PinPlan
  readonly files: readonly FileUpdate[]
}

export interface WriteBackOutcome {
  readonly base: string
  readonly change: PinnedChange
  readonly commitSha?: string
  readonly pullRequest?: { readonly number: number; readonly url: string; readonly created: boolean }
}

export function openGitOps(settings: Settings): GitOps {
  const client = createGitHubClient(settings.token, settings.run.apiUrl)
  return {
    repository: new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo),
    selector: {
      repository: normalizedRepository(settings.image),
      ...(settings.container !== undefined && { container: settings.container }),
      fields: settings.fields,
    },
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
  for (const { path, sites, kustomize, fields } of checkManifests(files, gitops.selector)) {
    const found = [
      ...(sites.length > 0 ? [plural(sites.length, 'matching container')] : []),
      ...(kustomize.length > 0 ? [plural(kustomize.length, 'kustomize images entry', 'kustomize images entries')] : []),
      ...(fields > 0 ? [plural(fields, 'field')] : []),
    ]
    core.info(`${path}: ${found.join(', ') || 'nothing to pin'}`)
  }
  return { base, snapshot, files }
}

/**
 * The files to pin at `snapshot`: the selection (templates reached through a directory or glob left out,
 * with a notice) and the files the `fields` input names. Fails when a kustomization outside the
 * selection has an `images:` entry for the image, since it would override the pin where Argo CD renders it.
 */
async function readManifests(gitops: GitOps, settings: Settings, snapshot: Snapshot): Promise<ManifestFile[]> {
  const { repository, selector } = gitops
  const where = `${repository.fullName}@${snapshot.branch}`
  const tree = await repository.listTree(snapshot)
  let selected: string[]
  let named: ReadonlySet<string>
  let excluded: (path: string) => boolean = () => false
  if (isExplicitFileList(settings.manifests)) {
    selected = [...settings.manifests]
    named = new Set(selected)
  } else {
    if (tree.truncated) await repository.listFiles(snapshot) // throws the advice to list files explicitly
    ;({ files: selected, named, excluded } = selectManifests(settings.manifests, tree.paths, where))
  }
  const inSelection = new Set(selected)
  const present = new Set(tree.paths)
  const fieldFiles = [...new Set(settings.fields.map((field) => field.file))].filter((file) => !inSelection.has(file))
  for (const file of fieldFiles) {
    if (!tree.truncated && !present.has(file)) {
      throw new InputError(
        'fields',
        `${file} does not exist in ${where}; give its path relative to the repository root`,
      )
    }
  }
  if (tree.truncated) {
    core.warning(
      `${where} has too many files for GitHub to list in one call: kustomizations outside the selection were not checked for images entries that override the pin.`,
    )
  }
  const overlays = tree.truncated
    ? []
    : tree.paths.filter((path) => isKustomizationPath(path) && !inSelection.has(path) && !excluded(path))
  const texts = new Map(
    (await repository.readFiles(snapshot, [...selected, ...fieldFiles, ...overlays])).map((file) => [
      file.path,
      file.content,
    ]),
  )

  const skipped: string[] = []
  const files: ManifestFile[] = []
  for (const path of selected) {
    const content = texts.get(path)!
    if (isGoTemplate(content)) {
      if (named.has(path)) throw new InputError('manifests', templateAdvice(path))
      skipped.push(path)
      continue
    }
    files.push({ path, content })
  }
  if (skipped.length > 0) {
    core.notice(
      `Skipped ${plural(skipped.length, 'Go/Helm template')} (they contain "{{" and are not YAML until Helm renders them): ` +
        `${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? `, and ${skipped.length - 10} more` : ''}. ` +
        'To pin a chart, name its values with the fields input.',
    )
  }
  checkOverlays(overlays, texts, selector)
  for (const path of fieldFiles) files.push({ path, content: texts.get(path)!, fieldsOnly: true })
  return files
}

/** An `images:` entry for the image in a kustomization outside the selection would override the pin. */
function checkOverlays(overlays: readonly string[], texts: ReadonlyMap<string, string>, selector: PinSelector): void {
  for (const path of overlays) {
    let entries
    try {
      entries = findKustomizeImages(texts.get(path)!, path, selector.repository)
    } catch (error) {
      core.warning(`Could not check ${path} for kustomize images entries that override the pin: ${errorMessage(error)}`)
      continue
    }
    const [entry] = entries
    if (entry === undefined) continue
    const directory = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/` : path
    throw new InputError(
      'manifests',
      `${path}:${entry.line} has the kustomize images entry "${entry.text}", which overrides the image wherever that kustomization is rendered, ` +
        'but the file is not selected, so the pin would not reach what Argo CD deploys from it. ' +
        `Select it too (add "${directory}" or "${path}" to manifests), or exclude it on purpose ("!${path}").`,
    )
  }
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

/** Pins the image in the manifests and writes the result as the `mode` says (nothing in dry-run). */
export async function writeBack(
  gitops: GitOps,
  settings: Settings,
  target: ManifestTarget,
  digest: string,
): Promise<WriteBackOutcome> {
  const values = templateValues(settings.image, digest)
  const pinned = values.image
  const prepare = async (snapshot: Snapshot, first: boolean): Promise<PinnedChange> => {
    const files = first ? target.files : await readManifests(gitops, settings, snapshot)
    const plan = planPins(files, gitops.selector, pinned)
    return {
      plan,
      files: plan.files
        .filter((file) => file.changes.length > 0)
        .map((file) => ({ path: file.path, content: file.after })),
    }
  }
  const render = (input: string, template: string): string => {
    try {
      return renderTemplate(template, values)
    } catch (error) {
      throw new InputError(input, errorMessage(error))
    }
  }
  const message = render('commit-message', settings.templates.commitMessage)
  const base = target.base

  if (settings.dryRun) {
    const change = await prepare(target.snapshot, true)
    logChange(change)
    core.info(
      `Dry run: would ${settings.mode === 'push' ? `commit to ${base}` : `open or update a pull request from ${settings.branch} into ${base}`}; nothing was written.`,
    )
    return { base, change }
  }

  if (settings.mode === 'push') {
    const outcome = await pushToBase(gitops.repository, { base, initial: target.snapshot, message, prepare })
    logChange(outcome.prepared)
    return { base, change: outcome.prepared, ...(outcome.commitSha !== undefined && { commitSha: outcome.commitSha }) }
  }

  const title = render('title', settings.templates.title)
  const intro = render('body', settings.templates.body)
  const outcome = await updatePullRequest(gitops.repository, {
    base,
    initial: target.snapshot,
    branch: settings.branch,
    message,
    title,
    labels: settings.labels.map((label) => render('labels', label)),
    prepare,
    body: (change) => pullRequestBody(deploymentFacts(settings, gitops, base, change, values), intro),
  })
  logChange(outcome.prepared)
  return {
    base,
    change: outcome.prepared,
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
