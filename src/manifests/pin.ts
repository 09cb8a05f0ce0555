// Pins container images in Kubernetes manifests by replacing the image scalars' source text, so every
// other byte (comments, quoting, order, indentation, `---`, CRLF, BOM, final newline) stays as it was.
// Pure: strings in, strings out.

import { CST, Composer, Lexer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Node, Pair, ParsedNode, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import { normalizedRepository, parseImageReference } from '../image/reference.js'
import { renderScalarText } from './edit.js'
import { parseRelaxed } from './relaxed.js'

export interface ContainerSelector {
  /** normalizedRepository(...) of the input image, e.g. 'docker.io/library/nginx'. */
  readonly repository: string
  /** Only containers with this name. */
  readonly container?: string
}

export interface ImageSite {
  /** Deployment, CronJob, … */
  readonly kind: string
  /** metadata.name, or '' when absent. */
  readonly workload: string
  readonly container: string
  readonly initContainer: boolean
  /** 1-based line of the image scalar. */
  readonly line: number
  /** Current value (surrounding whitespace of block scalars trimmed). */
  readonly image: string
  /** Offsets of the scalar in the file's text (UTF-16 units, as for String.slice), including quotes. */
  readonly range: readonly [number, number]
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

/** A manifest that cannot be pinned safely; the message starts with `file[:line]:`. */
export class ManifestError extends Error {
  readonly file: string
  readonly line?: number

  /** `message` replaces the `file[:line]: problem` form when the error is about several files. */
  constructor(file: string, line: number | undefined, problem: string, message?: string) {
    super(message ?? `${file}${line === undefined ? '' : `:${line}`}: ${problem}`)
    this.name = 'ManifestError'
    this.file = file
    if (line !== undefined) this.line = line
  }
}

/** Larger than any hand-written manifest; bounds memory and time spent on a mistaken selection. */
export const MAX_MANIFEST_BYTES = 5 * 1024 * 1024

/** A step into every item of a sequence (Argo Rollouts analysis metrics, experiment templates). */
const EACH = '[]'
const ARGO = 'argoproj.io'
const ANALYSIS_JOB = ['spec', 'metrics', EACH, 'provider', 'job', 'spec', 'template', 'spec']

/**
 * Where each workload kind keeps its pod spec(s). `apiGroup` undefined: a built-in Kubernetes group.
 * `[]` walks every item of a sequence, for kinds that hold several pod templates.
 */
const POD_SPEC_PATHS: ReadonlyMap<string, { readonly path: readonly string[]; readonly apiGroup?: string }> = new Map([
  ['Pod', { path: ['spec'] }],
  ['PodTemplate', { path: ['template', 'spec'] }],
  ['Deployment', { path: ['spec', 'template', 'spec'] }],
  ['StatefulSet', { path: ['spec', 'template', 'spec'] }],
  ['DaemonSet', { path: ['spec', 'template', 'spec'] }],
  ['ReplicaSet', { path: ['spec', 'template', 'spec'] }],
  ['ReplicationController', { path: ['spec', 'template', 'spec'] }],
  ['Job', { path: ['spec', 'template', 'spec'] }],
  ['CronJob', { path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] }],
  ['Rollout', { path: ['spec', 'template', 'spec'], apiGroup: ARGO }],
  ['AnalysisTemplate', { path: ANALYSIS_JOB, apiGroup: ARGO }],
  ['ClusterAnalysisTemplate', { path: ANALYSIS_JOB, apiGroup: ARGO }],
  ['AnalysisRun', { path: ANALYSIS_JOB, apiGroup: ARGO }],
  ['Experiment', { path: ['spec', 'templates', EACH, 'template', 'spec'], apiGroup: ARGO }],
])

/** The kinds whose containers are pinned, for messages. */
export const WORKLOAD_KINDS: readonly string[] = [...POD_SPEC_PATHS.keys()]
const CONTAINER_FIELDS = [
  ['initContainers', true],
  ['containers', false],
] as const
const MERGE_KEY = '<<'
/** Far deeper than manifests go, and far below the ~1,000 levels at which yaml's composer runs out of stack. */
const MAX_NESTING = 256
/** Bounds `<<` chains (merge sources that merge further sources). */
const MAX_MERGE_DEPTH = 16

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
  const parts: string[] = []
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
    parts.push(content.slice(cursor, start), renderScalar(content.slice(start, end), site, file, pinned))
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
  if (changes.length === 0) return { content, changes }
  parts.push(content.slice(cursor))
  return { content: parts.join(''), changes }
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

interface FoundSite extends ImageSite {
  readonly node: Scalar
  /** The `*alias` written as the image, when it is one. */
  readonly imageAlias?: unknown
  /** Some step from the document root to the image went through an alias or merge key. */
  readonly viaAlias: boolean
  /** Where the container (or its aliased image) is written, for messages about aliases. */
  readonly usageLine: number
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
/** An `*alias` whose anchor is a scalar, and where it is written. */
interface ScalarAlias {
  readonly alias: unknown
  readonly target: Scalar
  readonly line: number
}

function scanContainers(content: string, file: string): { found: FoundSite[]; aliases: ScalarAlias[] } {
  const bytes = Buffer.byteLength(content, 'utf8')
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new ManifestError(
      file,
      undefined,
      `is ${bytes} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit for a manifest; select the workload files themselves, not generated bundles`,
    )
  }
  const lines = new LineCounter()
  lines.addNewLine(0)
  for (let at = content.indexOf('\n'); at >= 0; at = content.indexOf('\n', at + 1)) lines.addNewLine(at + 1)
  const lineOf = (offset: number): number => lines.linePos(offset).line
  // Relaxed copies have fewer line breaks: lines always count in the original text.
  const { documents } = parseRelaxed(content, (text) => parseDocuments(text, file, new LineCounter(), lineOf))
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
    walker.object(document.contents, false, 0)
  }
  return { found: sites, aliases }
}

function scalarAliases(document: Document.Parsed, lineOf: (offset: number) => number): ScalarAlias[] {
  const result: ScalarAlias[] = []
  const pending: unknown[] = [document.contents]
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (isAlias(node)) {
      const target = node.resolve(document)
      if (isScalar(target)) result.push({ alias: node, target, line: lineOf(node.range?.[0] ?? 0) })
    } else if (isMap(node)) {
      for (const pair of node.items) pending.push(pair.key, pair.value)
    } else if (isSeq(node)) pending.push(...node.items)
  }
  return result
}

/**
 * yaml's parseAllDocuments, with nesting bounded before each stage that could choke on it: the CST
 * parser slows down quadratically (and runs out of memory) on thousands of `[`/`- - -` levels, and the
 * composer recurses per level, where exhausting the stack can abort Node outright instead of throwing.
 */
function parseDocuments(
  content: string,
  file: string,
  lines: LineCounter,
  lineOf: (offset: number) => number,
): Document.Parsed[] {
  const parser = new Parser(lines.addNewLine)
  lines.addNewLine(0) // as Parser.parse() would: line 1 starts at offset 0
  const tokens: CST.Token[] = []
  const tooDeep = (offset: number): ManifestError =>
    new ManifestError(
      file,
      lineOf(offset),
      `collections are nested more than ${MAX_NESTING} levels deep; no Kubernetes manifest needs that, refusing to read it`,
    )
  let flowDepth = 0
  let indicatorsOnLine = 0
  let scalarSource = false
  for (const lexeme of new Lexer().lex(content)) {
    if (scalarSource) {
      // The lexeme after the scalar marker is the scalar's own text, whatever characters it holds.
      scalarSource = false
    } else if (lexeme === CST.SCALAR) {
      scalarSource = true
    } else if (lexeme === '[' || lexeme === '{') {
      if (++flowDepth > MAX_NESTING) throw tooDeep(parser.offset)
    } else if (lexeme === ']' || lexeme === '}') {
      flowDepth = Math.max(flowDepth - 1, 0)
    } else if (lexeme === '-' || lexeme === '?' || lexeme === ':') {
      // Block collections nest by indentation, or by several indicators on one line (`- - - x`).
      if (flowDepth === 0 && ++indicatorsOnLine > MAX_NESTING) throw tooDeep(parser.offset)
    } else if (lexeme === '\n' || lexeme === '\r\n') {
      indicatorsOnLine = 0
    }
    for (const token of parser.next(lexeme)) tokens.push(token)
  }
  for (const token of parser.end()) tokens.push(token)
  checkNesting(tokens, tooDeep)
  return Array.from(new Composer<ParsedNode, true>({ merge: true, uniqueKeys: true }).compose(tokens))
}

function checkNesting(tokens: readonly CST.Token[], tooDeep: (offset: number) => ManifestError): void {
  const pending: [CST.Token, number][] = tokens.map((token) => [token, 0])
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next
    if (token.type === 'document') {
      if (token.value) pending.push([token.value, depth])
    } else if (CST.isCollection(token)) {
      if (depth >= MAX_NESTING) throw tooDeep(token.offset)
      for (const item of token.items) {
        if (item.key) pending.push([item.key, depth + 1])
        if (item.value) pending.push([item.value, depth + 1])
      }
    }
  }
}

class Walker {
  constructor(
    private readonly document: Document.Parsed,
    private readonly lineOf: (offset: number) => number,
    private readonly sites: FoundSite[],
  ) {}

  object(node: unknown, viaAlias: boolean, depth: number): void {
    const resolved = this.resolve(node, viaAlias)
    if (!resolved || !isMap(resolved.node)) return
    const map = resolved.node
    const kind = this.text(this.get(map, 'kind'))
    if (kind === 'List') {
      // `kubectl` reads Lists nested in Lists too; the nesting itself is bounded by the parser.
      const items = this.seq(this.get(map, 'items'))
      if (items) for (const item of items.node.items) this.object(item, resolved.viaAlias || items.viaAlias, depth + 1)
      return
    }
    const workload = kind === undefined ? undefined : POD_SPEC_PATHS.get(kind)
    if (!workload || !hasApiGroup(this.text(this.get(map, 'apiVersion')), workload.apiGroup)) return
    const metadata = this.map(this.get(map, 'metadata'))
    const name = metadata ? (this.text(this.get(metadata.node, 'name')) ?? '') : ''
    for (const spec of this.podSpecs({ node: map, viaAlias: resolved.viaAlias }, workload.path))
      this.containers(spec, kind!, name)
  }

  /** The maps at `path` below `start`; `[]` fans out over a sequence's items. */
  private podSpecs(
    start: { node: YAMLMap; viaAlias: boolean },
    path: readonly string[],
  ): { node: YAMLMap; viaAlias: boolean }[] {
    let current = [start]
    for (let index = 0; index < path.length; index++) {
      const key = path[index]!
      const fanOut = path[index + 1] === EACH
      if (fanOut) index++
      const next: { node: YAMLMap; viaAlias: boolean }[] = []
      for (const at of current) {
        const child = this.get(at.node, key)
        const viaAlias = at.viaAlias || (child?.viaAlias ?? false)
        if (!fanOut) {
          const found = this.map(child)
          if (found) next.push({ node: found.node, viaAlias: viaAlias || found.viaAlias })
          continue
        }
        const items = this.seq(child)
        if (!items) continue
        for (const item of items.node.items) {
          const found = this.map({ node: item, viaAlias: viaAlias || items.viaAlias })
          if (found) next.push(found)
        }
      }
      current = next
    }
    return current
  }

  private containers(spec: { node: YAMLMap; viaAlias: boolean }, kind: string, name: string): void {
    for (const [field, initContainer] of CONTAINER_FIELDS) {
      const list = this.seq(this.get(spec.node, field))
      if (!list) continue
      for (const item of list.node.items) {
        const container = this.map({ node: item, viaAlias: spec.viaAlias || list.viaAlias })
        if (!container) continue
        const image = this.get(container.node, 'image')
        const scalar = image && this.resolve(image.node, image.viaAlias)
        if (!scalar || !isScalar(scalar.node) || typeof scalar.node.value !== 'string' || !scalar.node.range) continue
        const [start, end] = scalar.node.range
        const written = image.viaAlias ? item : image.node
        this.sites.push({
          kind,
          workload: name,
          container: this.text(this.get(container.node, 'name')) ?? '',
          initContainer,
          line: this.lineOf(start),
          image: scalar.node.value.trim(),
          range: [start, end],
          node: scalar.node,
          ...(isAlias(image.node) && { imageAlias: image.node }),
          viaAlias: container.viaAlias || scalar.viaAlias,
          usageLine: this.lineOf(offsetOf(written) ?? start),
        })
      }
    }
  }

  /** The value of `key` in `map`, honouring `<<` merge keys (explicit keys win, as in YAML 1.1). */
  private get(map: YAMLMap, key: string, depth = 0): { node: unknown; viaAlias: boolean } | undefined {
    for (const pair of map.items)
      if (isScalar(pair.key) && pair.key.value === key) return { node: pair.value, viaAlias: false }
    if (depth >= MAX_MERGE_DEPTH) return undefined
    for (const pair of map.items) {
      if (!isMergePair(pair)) continue
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value]
      for (const source of sources) {
        const resolved = this.resolve(source, true)
        if (!resolved || !isMap(resolved.node)) continue
        const found = this.get(resolved.node, key, depth + 1)
        if (found) return { node: found.node, viaAlias: true }
      }
    }
    return undefined
  }

  private resolve(node: unknown, viaAlias: boolean): { node: Node; viaAlias: boolean } | undefined {
    if (isAlias(node)) {
      const target = node.resolve(this.document)
      return target ? { node: target, viaAlias: true } : undefined
    }
    return node ? { node: node as Node, viaAlias } : undefined
  }

  private map(
    found: { node: unknown; viaAlias: boolean } | undefined,
  ): { node: YAMLMap; viaAlias: boolean } | undefined {
    const resolved = found && this.resolve(found.node, found.viaAlias)
    return resolved && isMap(resolved.node) ? { node: resolved.node, viaAlias: resolved.viaAlias } : undefined
  }

  private seq(
    found: { node: unknown; viaAlias: boolean } | undefined,
  ): { node: YAMLSeq; viaAlias: boolean } | undefined {
    const resolved = found && this.resolve(found.node, found.viaAlias)
    return resolved && isSeq(resolved.node) ? { node: resolved.node, viaAlias: resolved.viaAlias } : undefined
  }

  private text(found: { node: unknown; viaAlias: boolean } | undefined): string | undefined {
    const resolved = found && this.resolve(found.node, found.viaAlias)
    return resolved && isScalar(resolved.node) && typeof resolved.node.value === 'string'
      ? resolved.node.value
      : undefined
  }
}

/** The key written at `offset` (where yaml reports a duplicate), quoted for a message. */
function duplicateKey(content: string, offset: number): string {
  const key = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#\r\n]*?)\s*:/.exec(content.slice(offset, offset + 300))?.[1]
  if (key === undefined || key === '') return 'here'
  return key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`
}

function offsetOf(node: unknown): number | undefined {
  return node !== null && typeof node === 'object' && 'range' in node && Array.isArray(node.range)
    ? (node.range[0] as number)
    : undefined
}

function isMergePair(pair: Pair): boolean {
  return (
    isScalar(pair.key) &&
    (pair.key.value === MERGE_KEY || (typeof pair.key.value === 'symbol' && pair.key.source === MERGE_KEY))
  )
}

/** Built-in kinds live in groups without a dot (`v1`, `apps/v1`, `batch/v1`); a CRD reusing the name does not. */
function hasApiGroup(apiVersion: string | undefined, group: string | undefined): boolean {
  const slash = apiVersion?.lastIndexOf('/') ?? -1
  const actual = apiVersion === undefined || slash < 0 ? '' : apiVersion.slice(0, slash)
  return group === undefined ? !actual.includes('.') : actual === group
}

/**
 * Refuses "billion laughs" documents the way Kubernetes' YAML decoder (go-yaml v3) does: too large a
 * share of the expanded nodes coming from aliases. Sizes are computed without expanding anything.
 */
function checkAliasExpansion(document: Document.Parsed, file: string, lineOf: (offset: number) => number): void {
  let directNodes = 0
  let aliases = 0
  const countDirect = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return
    directNodes += 1
    if (isAlias(node)) {
      aliases += 1
      if (!node.resolve(document))
        throw new ManifestError(
          file,
          lineOf(node.range?.[0] ?? 0),
          `invalid YAML: the alias *${node.source} has no anchor &${node.source} before it`,
        )
    } else if (isMap(node)) {
      for (const pair of node.items) {
        countDirect(pair.key)
        countDirect(pair.value)
      }
    } else if (isSeq(node)) for (const item of node.items) countDirect(item)
  }
  countDirect(document.contents)
  if (aliases === 0) return

  const sizes = new Map<unknown, number>()
  const active = new Set<unknown>()
  const expandedSize = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 0
    const known = sizes.get(node)
    if (known !== undefined) return known
    if (active.has(node)) {
      const offset = (node as Node).range?.[0] ?? document.range[0]
      throw new ManifestError(
        file,
        lineOf(offset),
        'invalid YAML: an anchor contains an alias to itself; remove the cycle',
      )
    }
    active.add(node)
    let size = 1
    if (isAlias(node)) {
      const target = node.resolve(document)
      size += expandedSize(target)
    } else if (isMap(node)) for (const pair of node.items) size += expandedSize(pair.key) + expandedSize(pair.value)
    else if (isSeq(node)) for (const item of node.items) size += expandedSize(item)
    active.delete(node)
    // Capped so that deep bombs stay finite numbers (Infinity / Infinity would compare as NaN).
    size = Math.min(size, MAX_COUNTED_NODES)
    sizes.set(node, size)
    return size
  }
  const total = expandedSize(document.contents)
  const fromAliases = Math.max(total - directNodes, 0)
  if (fromAliases > 100 && total > 1000 && fromAliases / total > allowedAliasRatio(total)) {
    throw new ManifestError(
      file,
      lineOf(document.range[0]),
      `YAML aliases expand this document to ${total >= MAX_COUNTED_NODES ? 'more than ' : ''}${total} nodes from ${directNodes} written ones (an alias bomb); refusing to read it`,
    )
  }
}

const MAX_COUNTED_NODES = 1e15

/** go-yaml v3 `allowedAliasRatio`: small documents may alias freely, huge ones hardly at all. */
function allowedAliasRatio(decoded: number): number {
  const low = 400_000
  const high = 4_000_000
  if (decoded <= low) return 0.99
  if (decoded >= high) return 0.1
  return 0.99 - (0.89 * (decoded - low)) / (high - low)
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
