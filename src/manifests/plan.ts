// Pins one image across all selected manifest files, or explains why nothing matched. Pure.

import { ManifestError, describeWorkload, inspectManifest, rewriteImages } from './pin.js'
import type { ContainerSelector, ImageChange, ImageSite, SeenContainer } from './pin.js'
import { normalizedRepository, parseImageReference } from '../image/reference.js'

export interface ManifestFile {
  readonly path: string
  readonly content: string
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
export function planPins(files: readonly ManifestFile[], selector: ContainerSelector, pinned: string): PinPlan {
  const planned = inspectAll(files, selector).map(({ path, content, sites }) => {
    const rewritten = rewriteImages(content, path, sites, pinned)
    return { path, before: content, after: rewritten.content, changes: rewritten.changes, sites: sites.length }
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
  selector: ContainerSelector,
): { path: string; sites: ImageSite[] }[] {
  return inspectAll(files, selector).map(({ path, sites }) => ({ path, sites }))
}

interface Inspected {
  readonly path: string
  readonly content: string
  readonly sites: ImageSite[]
  readonly containers: SeenContainer[]
}

function inspectAll(files: readonly ManifestFile[], selector: ContainerSelector): Inspected[] {
  const inspected = files.map(({ path, content }) => ({ path, content, ...inspectManifest(content, path, selector) }))
  if (inspected.every((file) => file.sites.length === 0)) throw noMatchError(inspected, selector)
  return inspected
}

function noMatchError(files: readonly Inspected[], selector: ContainerSelector): ManifestError {
  const paths = files.map((file) => file.path)
  const wanted = `image ${selector.repository}${selector.container === undefined ? '' : ` named "${selector.container}"`}`
  const message =
    `no container with ${wanted} in: ${list(paths, MAX_LISTED_FILES) || '(no files)'}. ${seenHint(files, selector)} ` +
    `Check that the 'image' input names the same registry host and path as the manifests` +
    (selector.container === undefined ? '' : ` and that 'container' is the container's name`) +
    `, and that 'manifests' selects the right files.`
  return new ManifestError(paths.join(', '), undefined, '', message)
}

function seenHint(files: readonly Inspected[], selector: ContainerSelector): string {
  const seen = files.flatMap((file) => file.containers.map((container) => ({ ...container, path: file.path })))
  if (seen.length === 0)
    return 'They hold no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Rollout with containers.'
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
  try {
    return normalizedRepository(parseImageReference(image)) === selector.repository
  } catch {
    return false
  }
}

function list(items: readonly string[], max: number): string {
  const shown = items.slice(0, max).join(', ')
  return items.length > max ? `${shown} and ${items.length - max} more` : shown
}
