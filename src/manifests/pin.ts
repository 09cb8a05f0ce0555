// Pins container images in Kubernetes manifests by replacing the image scalars' source text, so every
// other byte (comments, quoting, order, indentation, `---`, CRLF, BOM, final newline) stays as it was.
// Pure: strings in, strings out.

import type { Scalar } from 'yaml'
import { normalizedRepository, parseImageReference } from '../image/reference.js'
import { type TextEdit, applyEdits, renderScalarText } from './edit.js'
import { ManifestError } from './manifest-error.js'
import { lineOfOffset, parseRelaxed } from './relaxed.js'
import { type ScalarAlias, checkAliasExpansion, duplicateKey, parseDocuments, scalarAliases } from './safe-yaml.js'
import { type FoundSite, type ImageSite, Walker } from './workloads.js'

export { ManifestError } from './manifest-error.js'
export { WORKLOAD_KINDS } from './workloads.js'
export type { ImageSite } from './workloads.js'

export interface ContainerSelector {
  /** normalizedRepository(...) of the input image, e.g. 'docker.io/library/nginx'. */
  readonly repository: string
  /** Only containers with this name. */
  readonly container?: string
}

export interface ImageChange {
  readonly file: string
  readonly line: number
  readonly workload: string
  readonly kind: string
  readonly container: string
  readonly from: string
  readonly to: string
}

/** A container seen in a workload, whatever its image: feeds the hint when nothing matches. */
export interface SeenContainer {
  readonly kind: string
  readonly workload: string
  readonly container: string
  readonly image: string
}

/** Larger than any hand-written manifest; bounds memory and time spent on a mistaken selection. */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024

/** Parses one file (multi-document) and returns the image scalars of matching containers. */
export function findImageSites(content: string, file: string, selector: ContainerSelector): ImageSite[] {
  return inspectManifest(content, file, selector).sites
}

/** Replaces each site's scalar with `pinned`, keeping its quoting style; sites already equal to `pinned` produce no change. */
export function rewriteImages(
  content: string,
  file: string,
  sites: readonly ImageSite[],
  pinned: string,
): { content: string; changes: ImageChange[] } {
  // The pinned form comes from our own formatting; a value that is no reference would be a bug upstream.
  parseImageReference(pinned)
  const ordered = [...sites].sort((a, b) => a.range[0] - b.range[0])
  const changes: ImageChange[] = []
  const edits: TextEdit[] = []
  let cursor = 0
  for (const site of ordered) {
    const [start, end] = site.range
    if (start < cursor || end > content.length || start > end) {
      throw new ManifestError(
        file,
        site.line,
        'internal error: image sites overlap or lie outside the file; nothing was changed',
      )
    }
    if (site.image === pinned) continue
    edits.push({ start, end, text: renderScalar(content.slice(start, end), site, file, pinned) })
    cursor = end
    changes.push({
      file,
      line: site.line,
      workload: site.workload,
      kind: site.kind,
      container: site.container,
      from: site.image,
      to: pinned,
    })
  }
  return { content: edits.length === 0 ? content : applyEdits(content, edits), changes }
}

/** findImageSites + rewriteImages. */
export function pinManifest(
  content: string,
  file: string,
  selector: ContainerSelector,
  pinned: string,
): { content: string; sites: ImageSite[]; changes: ImageChange[] } {
  const sites = findImageSites(content, file, selector)
  return { ...rewriteImages(content, file, sites, pinned), sites }
}

/** The matching image sites and every container seen (for hints when nothing matches). */
export function inspectManifest(
  content: string,
  file: string,
  selector: ContainerSelector,
): { sites: ImageSite[]; containers: SeenContainer[] } {
  const { found, aliases } = scanContainers(content, file)
  const direct = new Set<Scalar>()
  for (const site of found) if (!site.viaAlias && matches(site, selector)) direct.add(site.node)
  const sites: ImageSite[] = []
  for (const site of found) {
    const matching = matches(site, selector)
    if (!site.viaAlias) {
      if (matching) sites.push(publicSite(site))
      continue
    }
    // Rewriting an anchored scalar changes every container that aliases it: fine only when all of them
    // are ours and the anchor itself is one of the images we rewrite anyway.
    if (matching && !direct.has(site.node)) {
      throw new ManifestError(
        file,
        site.usageLine,
        `container "${site.container}" in ${describeWorkload(site)} takes its image from a YAML alias (*anchor or <<: merge), ` +
          'so it cannot be rewritten in place without changing what else uses that anchor; write the image out in that container',
      )
    }
    if (!matching && direct.has(site.node)) {
      throw new ManifestError(
        file,
        site.usageLine,
        `container "${site.container}" in ${describeWorkload(site)} shares the image of line ${site.line} through a YAML alias but is not selected; ` +
          'pinning would change it too. Write its image out, or select it as well',
      )
    }
  }
  checkAnchoredImages(found, aliases, direct, selector, file)
  sites.sort((a, b) => a.range[0] - b.range[0])
  const containers = found.map(({ kind, workload, container, image }) => ({ kind, workload, container, image }))
  return { sites, containers }
}

/**
 * An anchored image (`image: &img repo:1.0`) that is also aliased outside a matched container's image
 * (an env value, an annotation, another resource) would change there too: refused, naming both places.
 */
function checkAnchoredImages(
  found: readonly FoundSite[],
  aliases: readonly ScalarAlias[],
  direct: ReadonlySet<Scalar>,
  selector: ContainerSelector,
  file: string,
): void {
  const asImage = new Set(found.filter((site) => matches(site, selector)).map((site) => site.imageAlias))
  for (const { alias, target, line } of aliases) {
    if (!direct.has(target) || asImage.has(alias)) continue
    const anchored = found.find((site) => site.node === target && !site.viaAlias)!
    throw new ManifestError(
      file,
      anchored.line,
      `the image of container "${anchored.container}" in ${describeWorkload(anchored)} is a YAML anchor (&${target.anchor ?? ''}) ` +
        `that line ${line} also uses (*${target.anchor ?? ''}) outside a container image; pinning would change line ${line} too. ` +
        `Write the value out at line ${line}, or drop the anchor`,
    )
  }
}

/** `Deployment "backend"` (or just the kind for an unnamed workload). */
export function describeWorkload(site: { readonly kind: string; readonly workload: string }): string {
  return site.workload === '' ? site.kind : `${site.kind} "${site.workload}"`
}

function publicSite({ kind, workload, container, initContainer, line, image, range }: FoundSite): ImageSite {
  return { kind, workload, container, initContainer, line, image, range }
}

function matches(site: FoundSite, selector: ContainerSelector): boolean {
  if (selector.container !== undefined && site.container !== selector.container) return false
  return namesRepository(site.image, selector.repository)
}

/**
 * Whether `image` (a reference as written in a manifest) names `repository` (a normalizedRepository).
 * Host names are case-insensitive (`Registry.Example.com` is `registry.example.com`); paths are not.
 */
export function namesRepository(image: string, repository: string): boolean {
  try {
    return canonicalRepository(normalizedRepository(parseImageReference(image))) === canonicalRepository(repository)
  } catch {
    // Templated or otherwise non-reference values (`{{ .Values.image }}`) are simply not ours.
    return false
  }
}

function canonicalRepository(repository: string): string {
  const slash = repository.indexOf('/')
  return slash < 0 ? repository : repository.slice(0, slash).toLowerCase() + repository.slice(slash)
}

/** Every container image scalar of every workload in the file, in walk order (callers sort by offset). */
function scanContainers(content: string, file: string): { found: FoundSite[]; aliases: ScalarAlias[] } {
  const bytes = Buffer.byteLength(content, 'utf8')
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new ManifestError(
      file,
      undefined,
      `is ${bytes} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit for a manifest; select the workload files themselves, not generated bundles`,
    )
  }
  const lineOf = lineOfOffset(content)
  // Relaxed copies have fewer line breaks: lines always count in the original text.
  const { documents } = parseRelaxed(content, (text) => parseDocuments(text, file, lineOf))
  const mayHaveAliases = content.includes('*')
  const sites: FoundSite[] = []
  const aliases: ScalarAlias[] = []
  for (const document of documents) {
    const [error] = document.errors
    if (error?.code === 'DUPLICATE_KEY') {
      throw new ManifestError(
        file,
        lineOf(error.pos[0]),
        `invalid YAML: the key ${duplicateKey(content, error.pos[0])} appears twice in the same mapping; remove one of them`,
      )
    }
    if (error)
      throw new ManifestError(
        file,
        lineOf(error.pos[0]),
        `invalid YAML: ${error.message}; fix the file so that it parses`,
      )
    if (mayHaveAliases) {
      checkAliasExpansion(document, file, lineOf)
      aliases.push(...scalarAliases(document, lineOf))
    }
    const walker = new Walker(document, lineOf, sites)
    walker.object(document.contents, false)
  }
  return { found: sites, aliases }
}

function renderScalar(source: string, site: ImageSite, file: string, pinned: string): string {
  const text = renderScalarText(source, site.image, pinned)
  if (text !== undefined) return text
  if (source[0] === '|' || source[0] === '>') {
    throw new ManifestError(
      file,
      site.line,
      'the image is a block scalar spread over several lines; write it on one line (image: REPO:TAG)',
    )
  }
  throw new ManifestError(
    file,
    site.line,
    `internal error: expected the image "${site.image}" here but found "${source}"; nothing was changed`,
  )
}
