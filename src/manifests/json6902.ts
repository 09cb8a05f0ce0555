// JSON6902 patch operations that set a container's image: a patch file (a YAML list of
// `{op, path, value}`) or a kustomization's inline `patches[].patch` / `patchesJson6902[].patch`.
// kustomize applies them after the resources, so such an operation overrides whatever the
// Deployment says: when it names the image, its `value` must carry the pin too. Pure: finds the
// value scalars (as ranges of the file's own text) and rewrites them in place.

import { type Document, type Node, type Scalar, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml'
import { type TextEdit, applyEdits, renderScalarText } from './edit.js'
import { type ImageChange, ManifestError, namesRepository } from './pin.js'
import { lineOfOffset, parseRelaxed } from './relaxed.js'

/** Pod-spec image paths of the workload kinds the action pins (a whole container, or its image). */
const POD_SPEC = String.raw`^/spec(?:/template/spec|/jobTemplate/spec/template/spec)?/(?:initContainers|containers|ephemeralContainers)/(?:\d+|-)`
const IMAGE_PATH = new RegExp(`${POD_SPEC}/image$`)
const CONTAINER_PATH = new RegExp(`${POD_SPEC}$`)

/** One operation's image value that names the repository. */
export interface PatchImageSite {
  readonly file: string
  readonly line: number
  /** The operation's `path`, e.g. /spec/template/spec/containers/0/image. */
  readonly path: string
  readonly image: string
  /** [start, end) of the value scalar in the file's text. */
  readonly range: readonly [number, number]
}

/** Operations in `content` that set an image of `repository` (a normalizedRepository). */
export function findPatchImages(content: string, file: string, repository: string): PatchImageSite[] {
  // Most files hold no patch operation: no second parse for them.
  if (!/(?:^|[\s{,"'])op["']?\s*:/m.test(content)) return []
  const lineOf = lineOfOffset(content)
  const { documents } = parseRelaxed(content, (text) => [parseAllDocuments(text)].flat())
  const sites: PatchImageSite[] = []
  for (const document of documents) {
    // An unparsable file is reported by the container scan, which reads every selected file.
    if (document.errors.length > 0) continue
    const root = document.contents
    if (isSeq(root)) sites.push(...operations(root.items, (offset) => offset, content, file, lineOf, repository))
    if (!isMap(root)) continue
    for (const key of ['patches', 'patchesJson6902']) {
      const list = root.get(key, true)
      if (!isSeq(list)) continue
      for (const item of list.items) {
        const patch = isMap(item) ? item.get('patch', true) : undefined
        if (isScalar(patch)) sites.push(...inlinePatch(patch, content, file, lineOf, repository))
      }
    }
  }
  return sites
}

/** The operations of an inline patch: a block scalar (`patch: |-`) whose text is itself YAML. */
function inlinePatch(
  scalar: Scalar,
  content: string,
  file: string,
  lineOf: (offset: number) => number,
  repository: string,
): PatchImageSite[] {
  if (typeof scalar.value !== 'string' || scalar.type !== 'BLOCK_LITERAL' || !scalar.range) return []
  const mapped = dedent(content, scalar.range[0], scalar.range[1])
  if (mapped === undefined) return []
  const { documents } = parseRelaxed(mapped.text, (text) => [parseAllDocuments(text)].flat())
  const [document] = documents as Document.Parsed[]
  if (document === undefined || document.errors.length > 0 || !isSeq(document.contents)) return []
  return operations(document.contents.items, mapped.outer, content, file, lineOf, repository)
}

/**
 * The body of a literal block scalar starting at `start` (its `|` header) as its own text, with a
 * map from offsets in that text back to offsets in `content` (only the indentation is removed).
 */
function dedent(
  content: string,
  start: number,
  end: number,
): { text: string; outer: (offset: number) => number } | undefined {
  const bodyStart = content.indexOf('\n', start) + 1
  if (bodyStart === 0 || bodyStart >= end) return undefined
  const lines = content.slice(bodyStart, end).split('\n')
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)![0].length))
  if (!Number.isFinite(indent)) return undefined
  const innerStarts: number[] = []
  const outerStarts: number[] = []
  let inner = ''
  let outer = bodyStart
  for (const line of lines) {
    innerStarts.push(inner.length)
    outerStarts.push(outer + Math.min(indent, line.length))
    inner += `${line.slice(indent)}\n`
    outer += line.length + 1
  }
  return {
    text: inner,
    outer: (offset) => {
      let line = innerStarts.length - 1
      while (line > 0 && innerStarts[line]! > offset) line--
      return outerStarts[line]! + (offset - innerStarts[line]!)
    },
  }
}

function operations(
  items: readonly unknown[],
  outer: (offset: number) => number,
  content: string,
  file: string,
  lineOf: (offset: number) => number,
  repository: string,
): PatchImageSite[] {
  const sites: PatchImageSite[] = []
  for (const item of items) {
    if (!isMap(item)) continue
    const op = item.get('op')
    const path = item.get('path')
    if ((op !== 'add' && op !== 'replace') || typeof path !== 'string') continue
    let value = item.get('value', true) as Node | undefined
    if (CONTAINER_PATH.test(path) && isMap(value)) value = value.get('image', true) as Node | undefined
    else if (!IMAGE_PATH.test(path)) continue
    if (!isScalar(value) || typeof value.value !== 'string' || !value.range) continue
    if (!namesRepository(value.value, repository)) continue
    const range: [number, number] = [outer(value.range[0]), outer(value.range[1])]
    if (content.slice(range[0], range[1]).includes('\n')) {
      throw new ManifestError(
        file,
        lineOf(range[0]),
        `the JSON6902 patch value for ${path} spans several lines; write it on one line`,
      )
    }
    sites.push({ file, line: lineOf(range[0]), path, image: value.value, range })
  }
  return sites
}

/** Sets each site's value to `pinned`, keeping its quoting; every other byte stays. */
export function pinPatchImages(
  content: string,
  sites: readonly PatchImageSite[],
  pinned: string,
): { content: string; changes: ImageChange[] } {
  const edits: TextEdit[] = []
  const changes: ImageChange[] = []
  for (const site of sites) {
    if (site.image === pinned) continue
    const [start, end] = site.range
    const text = renderScalarText(content.slice(start, end), site.image, pinned)
    if (text === undefined) {
      throw new ManifestError(
        site.file,
        site.line,
        `the JSON6902 patch value for ${site.path} is not a one-line image reference`,
      )
    }
    edits.push({ start, end, text })
    changes.push({
      file: site.file,
      line: site.line,
      workload: site.path,
      kind: 'JSON6902 patch',
      container: '',
      from: site.image,
      to: pinned,
    })
  }
  return { content: applyEdits(content, edits), changes }
}
