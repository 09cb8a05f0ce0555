// Which manifests to read at which commit: the selection (templates left out), the files the
// `fields` input names, the kustomizations outside the selection that would override a pin, and
// the files to read again when the base moved under the run.
import * as core from '@actions/core'
import { posix } from 'node:path'
import type { Snapshot } from '../gitops/repository.js'
import type { MovedBase } from '../gitops/writer.js'
import { formatReference } from '../image/reference.js'
import { isGoTemplate, templateAdvice } from '../manifests/gotemplate.js'
import { findPatchImages } from '../manifests/json6902.js'
import { findKustomizeImages, isKustomizationPath } from '../manifests/kustomize.js'
import { isExplicitFileList, selectManifests } from '../manifests/patterns.js'
import { type ManifestFile, NoMatchError, type PinSelector, checkManifests } from '../manifests/plan.js'
import type { Settings } from '../settings.js'
import { InputError, errorMessage } from '../errors.js'
import type { GitOps } from './gitops.js'

/** The base branch as read before anything was pushed: reused by the first write attempt. */
export interface ManifestTarget {
  readonly base: string
  readonly snapshot: Snapshot
  readonly files: readonly ManifestFile[]
  /** Every path the selection reached, templates left out of `files` included. */
  readonly considered: ReadonlySet<string>
}

export interface ManifestRead {
  readonly files: readonly ManifestFile[]
  readonly considered: ReadonlySet<string>
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
  const { files, considered } = await readManifests(gitops, settings, snapshot)
  checkEveryImage(files, gitops, settings)
  return { base, snapshot, files, considered }
}

/** Every image must match something to pin: one error lists those that match nothing. */
function checkEveryImage(files: readonly ManifestFile[], gitops: GitOps, settings: Settings): void {
  const unmatched: string[] = []
  const several = gitops.selectors.length > 1
  for (const [i, selector] of gitops.selectors.entries()) {
    try {
      for (const { path, sites, kustomize, patches, fields } of checkManifests(files, selector)) {
        const found = [
          ...(sites.length > 0 ? [plural(sites.length, 'matching container')] : []),
          ...(kustomize.length > 0
            ? [plural(kustomize.length, 'kustomize images entry', 'kustomize images entries')]
            : []),
          ...(patches.length > 0 ? [plural(patches.length, 'JSON6902 patch operation')] : []),
          ...(fields > 0 ? [plural(fields, 'field')] : []),
        ]
        if (!several || found.length > 0) {
          core.info(`${path}: ${found.join(', ') || 'nothing to pin'}${several ? ` of ${selector.repository}` : ''}`)
        }
      }
    } catch (error) {
      // A file that cannot be read is reported as itself, not as images that match nothing.
      if (!several || !(error instanceof NoMatchError)) throw error
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

/**
 * The files to pin at `snapshot`: the selection (templates reached through a directory or glob left out,
 * with a notice) and the files the `fields` input names. Fails when a kustomization outside the
 * selection has an `images:` entry for an image, since it would override the pin where Argo CD renders it.
 */
async function readManifests(gitops: GitOps, settings: Settings, snapshot: Snapshot): Promise<ManifestRead> {
  const { repository } = gitops
  const where = `${repository.fullName}@${snapshot.branch}`
  const tree = await repository.listTree(snapshot)
  let selected: string[]
  let named: ReadonlySet<string>
  let excluded: (path: string) => boolean = () => false
  if (isExplicitFileList(settings.manifests)) {
    selected = [...settings.manifests]
    named = new Set(selected)
  } else {
    ;({
      files: selected,
      named,
      excluded,
    } = selectManifests(settings.manifests, repository.completePaths(snapshot, tree), where))
  }
  selected = await followLinks(gitops, snapshot, selected, tree.modes, where)
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
    const mode = tree.modes.get(path)
    files.push({ path, content, ...(mode !== undefined && mode !== '100644' && { mode }) })
  }
  if (skipped.length > 0) {
    core.notice(
      `Skipped ${plural(skipped.length, 'Go/Helm template')} (they contain "{{" and are not YAML until Helm renders them): ` +
        `${skipped.slice(0, 10).join(', ')}${skipped.length > 10 ? `, and ${skipped.length - 10} more` : ''}. ` +
        'To pin a chart, name its values with the fields input.',
    )
  }
  for (const selector of gitops.selectors) checkOverlays(overlays, texts, selector)
  for (const path of fieldFiles) files.push({ path, content: texts.get(path)!, fieldsOnly: true })
  return { files, considered: new Set([...selected, ...fieldFiles]) }
}

const SYMLINK = '120000'
const MAX_LINK_HOPS = 8

/**
 * The selection with each symbolic link replaced by the file it points to, within the repository
 * (Argo CD renders the link as its target: pinning the link's own text would change nothing it
 * deploys). A link out of the repository, to a directory or to nothing is refused by name.
 */
async function followLinks(
  gitops: GitOps,
  snapshot: Snapshot,
  selected: readonly string[],
  modes: ReadonlyMap<string, string>,
  where: string,
): Promise<string[]> {
  if (!selected.some((path) => modes.get(path) === SYMLINK)) return [...selected]
  const result: string[] = []
  for (const path of selected) {
    let current = path
    for (let hop = 0; modes.get(current) === SYMLINK; hop++) {
      const [link] = await gitops.repository.readFiles(snapshot, [current])
      const target = posix.normalize(posix.join(posix.dirname(current), link!.content.trim()))
      const refuse = (why: string): InputError =>
        new InputError(
          'manifests',
          `${path} is a symbolic link${current === path ? '' : ` (through ${current})`} to ${link!.content.trim()}, ${why}; select the file it should point to instead, or exclude the link ("!${path}").`,
        )
      if (hop >= MAX_LINK_HOPS) throw refuse(`a chain of more than ${MAX_LINK_HOPS} links`)
      if (target === '..' || target.startsWith('../') || posix.isAbsolute(target))
        throw refuse('outside the repository')
      if (!modes.has(target)) throw refuse(`which is not a file in ${where}`)
      current = target
    }
    if (current !== path) core.info(`${path} is a symbolic link: pinning the file it points to, ${current}`)
    // Two links to one file, or a link and its target both selected: the file is pinned once.
    if (!result.includes(current)) result.push(current)
  }
  return result
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
    const [patch] = findPatchImages(texts.get(path)!, path, selector.repository)
    if (patch !== undefined) {
      throw new InputError(
        'manifests',
        `${path}:${patch.line} has a JSON6902 patch operation that sets ${patch.path} to "${patch.image}", which overrides the image wherever that kustomization is rendered, ` +
          'but the file is not selected, so the pin would not reach what Argo CD deploys from it. ' +
          `Select it too (add "${path}" to manifests), or exclude it on purpose ("!${path}").`,
      )
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

/**
 * The manifests at a base that moved under the run: a file the competing commits left alone keeps
 * the text already read; only files they changed are read again. When they added, removed or renamed
 * a file, or changed a kustomization outside the selection (it may now override the pin), or GitHub
 * could not say what they changed, everything is read again.
 */
export async function rereadManifests(
  gitops: GitOps,
  settings: Settings,
  snapshot: Snapshot,
  known: ManifestRead,
  moved: MovedBase,
): Promise<ManifestRead> {
  const { changes } = moved
  const reselect =
    changes === undefined ||
    [...changes].some(
      ([path, change]) =>
        !CONTENT_ONLY.has(change.status) || (isKustomizationPath(path) && !known.considered.has(path)),
    )
  if (reselect) return readManifests(gitops, settings, snapshot)
  const stale = known.files.filter((file) => changes.has(file.path)).map((file) => file.path)
  if (stale.length === 0) return known
  core.info(`Changed under this run, read again: ${stale.join(', ')}`)
  const fresh = new Map((await gitops.repository.readFiles(snapshot, stale)).map((file) => [file.path, file.content]))
  return {
    files: known.files.map((file) => (fresh.has(file.path) ? { ...file, content: fresh.get(file.path)! } : file)),
    considered: known.considered,
  }
}

/** Compare API statuses that change a file's contents but not which files exist. */
const CONTENT_ONLY = new Set(['modified', 'changed', 'unchanged'])
