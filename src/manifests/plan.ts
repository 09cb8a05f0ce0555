// Pins one image across all selected manifest files, or explains why nothing matched. Pure.

import {
  ManifestError,
  WORKLOAD_KINDS,
  describeWorkload,
  inspectManifest,
  namesRepository,
  rewriteImages,
} from './pin.js'
import type { ContainerSelector, ImageChange, ImageSite, SeenContainer } from './pin.js'
import { type FieldTarget, findFieldSites, pinFields } from './fields.js'
import { type PatchImageSite, findPatchImages, pinPatchImages } from './json6902.js'
import { type KustomizeImageEntry, findKustomizeImages, isKustomizationPath, pinKustomization } from './kustomize.js'
import { parseImageReference } from '../image/reference.js'

export interface ManifestFile {
  readonly path: string
  readonly content: string
  /** Read only because the `fields` input names it: its containers are not pinned. */
  readonly fieldsOnly?: boolean
  /** Its Git mode (100755 for an executable), kept when it is written. */
  readonly mode?: string
}

/** What to pin: containers with the image, kustomize `images:` entries for it, and the `fields` input. */
export interface PinSelector extends ContainerSelector {
  readonly fields?: readonly FieldTarget[]
}

export interface PinPlan {
  readonly files: { path: string; before: string; after: string; changes: ImageChange[]; sites: number }[]
  /** Files whose content changes, in input order. */
  readonly changedFiles: string[]
  readonly changes: ImageChange[]
}

const MAX_LISTED_FILES = 10
const MAX_LISTED_IMAGES = 5

/**
 * Applies the pin to each file. Throws ManifestError if no selected file has a matching container.
 * Files with matches but nothing to change (already pinned) stay out of changedFiles.
 */
export function planPins(files: readonly ManifestFile[], selector: PinSelector, pinned: string): PinPlan {
  const reference = parseImageReference(pinned)
  const pin = { ...(reference.tag !== undefined && { tag: reference.tag }), digest: reference.digest! }
  const planned = inspectAll(files, selector).map(({ path, content, sites, kustomize, patches, fields }) => {
    // Each step re-reads what the previous one wrote, so their offsets never disagree.
    const containers = rewriteImages(content, path, sites, pinned)
    const entries = kustomize.length === 0 ? [] : findKustomizeImages(containers.content, path, selector.repository)
    const images = pinKustomization(containers.content, path, entries, pin)
    const patched =
      patches.length === 0
        ? { content: images.content, changes: [] }
        : pinPatchImages(images.content, findPatchImages(images.content, path, selector.repository), pinned)
    const targets = fields.map((site) => site.target)
    const values = pinFields(patched.content, findFieldSites(patched.content, targets), pinned)
    return {
      path,
      before: content,
      after: values.content,
      changes: [...containers.changes, ...images.changes, ...patched.changes, ...values.changes],
      sites: sites.length + kustomize.length + patches.length + fields.length,
    }
  })
  return {
    files: planned,
    changedFiles: planned.filter((file) => file.changes.length > 0).map((file) => file.path),
    changes: planned.flatMap((file) => file.changes),
  }
}

/** The same checks as planPins without rewriting, for the validation phase before the digest is known. */
export function checkManifests(
  files: readonly ManifestFile[],
  selector: PinSelector,
): {
  path: string
  sites: ImageSite[]
  kustomize: KustomizeImageEntry[]
  patches: PatchImageSite[]
  fields: number
}[] {
  return inspectAll(files, selector).map(({ path, sites, kustomize, patches, fields }) => ({
    path,
    sites,
    kustomize,
    patches,
    fields: fields.length,
  }))
}

interface Inspected {
  readonly path: string
  readonly content: string
  readonly sites: ImageSite[]
  readonly containers: SeenContainer[]
  readonly kustomize: KustomizeImageEntry[]
  /** JSON6902 patch operations that set the image (a patch file, or a kustomization's inline patches). */
  readonly patches: PatchImageSite[]
  readonly fields: ReturnType<typeof findFieldSites>
}

function inspectAll(files: readonly ManifestFile[], selector: PinSelector): Inspected[] {
  const targets = selector.fields ?? []
  const inspected = files.map(({ path, content, fieldsOnly }): Inspected => {
    const containers = fieldsOnly ? { sites: [], containers: [] } : inspectManifest(content, path, selector)
    const kustomize =
      !fieldsOnly && isKustomizationPath(path) ? findKustomizeImages(content, path, selector.repository) : []
    const renaming = kustomize.find((entry) => entry.effect === 'renames')
    if (renaming) throw renamesError(renaming)
    const fields = findFieldSites(
      content,
      targets.filter((target) => target.file === path),
    )
    const patches = fieldsOnly ? [] : findPatchImages(content, path, selector.repository)
    return { path, content, ...containers, kustomize, patches, fields }
  })
  if (
    inspected.every(
      (file) => file.sites.length + file.kustomize.length + file.patches.length + file.fields.length === 0,
    )
  )
    throw noMatchError(inspected, selector)
  return inspected
}

function renamesError(entry: KustomizeImageEntry): ManifestError {
  return new ManifestError(
    entry.file,
    entry.line,
    `the kustomize images entry "${entry.text}" renames the image to ${entry.newName}, so what this kustomization renders would not run the pinned image. ` +
      `If that is intended, exclude the file from the 'manifests' input ("!${entry.file}"); otherwise point newName at the image`,
  )
}

/** No selected file has what the image would pin: about the selection, not about any one file. */
export class NoMatchError extends ManifestError {}

function noMatchError(files: readonly Inspected[], selector: ContainerSelector): ManifestError {
  const paths = files.map((file) => file.path)
  const wanted = `image ${selector.repository}${selector.container === undefined ? '' : ` named "${selector.container}"`}`
  const message =
    `no container with ${wanted} in: ${list(paths, MAX_LISTED_FILES) || '(no files)'}. ${seenHint(files, selector)} ` +
    `Check that the 'image' input names the same registry host and path as the manifests` +
    (selector.container === undefined ? '' : ` and that 'container' is the container's name`) +
    `, and that 'manifests' selects the right files.`
  return new NoMatchError(paths.join(', '), undefined, '', message)
}

function seenHint(files: readonly Inspected[], selector: ContainerSelector): string {
  const seen = files.flatMap((file) => file.containers.map((container) => ({ ...container, path: file.path })))
  if (seen.length === 0)
    return `They hold no ${WORKLOAD_KINDS.join(', ')} with containers, and no kustomize images entry for it.`
  if (selector.container !== undefined) {
    const sameImage = [
      ...new Set(
        seen
          .filter((container) => sameRepository(container.image, selector))
          .map((container) => `"${container.container}"`),
      ),
    ]
    if (sameImage.length > 0) return `Containers with that image are named ${list(sameImage, MAX_LISTED_IMAGES)}.`
  }
  const byImage = new Map<string, (typeof seen)[number]>()
  for (const container of seen) if (!byImage.has(container.image)) byImage.set(container.image, container)
  const images = [...byImage.values()].map(
    (container) =>
      `${container.image} (container "${container.container}" in ${describeWorkload(container)}, ${container.path})`,
  )
  return `Images seen: ${list(images, MAX_LISTED_IMAGES)}.`
}

function sameRepository(image: string, selector: ContainerSelector): boolean {
  return namesRepository(image, selector.repository)
}

function list(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}
