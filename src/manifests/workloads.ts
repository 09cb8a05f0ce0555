// Where Kubernetes and Argo Rollouts workloads keep their containers: the pod spec paths of each
// kind, walked through aliases and `<<` merge keys, recording where each image scalar is written.
import { isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml'

/** Where one container's image is written, as the pin reports and rewrites it. */
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
/** Bounds `<<` chains (merge sources that merge further sources). */
const MAX_MERGE_DEPTH = 16

export interface FoundSite extends ImageSite {
  readonly node: Scalar
  /** The `*alias` written as the image, when it is one. */
  readonly imageAlias?: unknown
  /** Some step from the document root to the image went through an alias or merge key. */
  readonly viaAlias: boolean
  /** Where the container (or its aliased image) is written, for messages about aliases. */
  readonly usageLine: number
}

/** Walks one document (Lists included) and pushes the image site of every container of every workload. */
export class Walker {
  constructor(
    private readonly document: Document.Parsed,
    private readonly lineOf: (offset: number) => number,
    private readonly sites: FoundSite[],
  ) {}

  object(node: unknown, viaAlias: boolean): void {
    const resolved = this.resolve(node, viaAlias)
    if (!resolved || !isMap(resolved.node)) return
    const map = resolved.node
    const kind = this.text(this.get(map, 'kind'))
    if (kind === 'List') {
      // `kubectl` reads Lists nested in Lists too; the nesting itself is bounded by the parser.
      const items = this.seq(this.get(map, 'items'))
      if (items) for (const item of items.node.items) this.object(item, resolved.viaAlias || items.viaAlias)
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
