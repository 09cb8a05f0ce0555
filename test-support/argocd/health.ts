// What Argo CD would report for the manifests of one revision: the resources it renders from the
// Application's path, and their health some time after a sync. Workloads whose image is listed as
// crashing never become available and end Degraded, with the message Kubernetes' Deployment
// controller gives (`ProgressDeadlineExceeded`). Pure apart from the git reads in server.ts.
import { parseAllDocuments } from 'yaml'

export interface RenderedResource {
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly namespace: string
  readonly name: string
  readonly images: readonly string[]
}

export interface ResourceHealth {
  readonly status: 'Healthy' | 'Progressing' | 'Degraded'
  readonly message?: string
}

const WORKLOADS: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Rollout: ['spec', 'template', 'spec'],
}

/** Resources in the files (YAML, multi-document); throws like Argo CD's manifest generation on bad YAML. */
export function renderResources(
  files: readonly { path: string; content: string }[],
  namespace: string,
): RenderedResource[] {
  const resources: RenderedResource[] = []
  for (const file of files) {
    for (const document of parseAllDocuments(file.content)) {
      if (document.errors.length > 0) {
        throw new Error(`failed to unmarshal "${file.path}": ${document.errors[0]!.message}`)
      }
      const object = document.toJS() as Record<string, unknown> | null
      if (object === null || typeof object !== 'object' || typeof object.kind !== 'string') continue
      const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string }
      const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : 'v1'
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
      resources.push({
        group: group!,
        version: version!,
        kind: object.kind,
        namespace: metadata.namespace ?? namespace,
        name: metadata.name ?? '',
        images: imagesOf(object),
      })
    }
  }
  return resources
}

function imagesOf(object: Record<string, unknown>): string[] {
  const path = WORKLOADS[object.kind as string]
  if (path === undefined) return []
  let spec: unknown = object
  for (const key of path) spec = (spec as Record<string, unknown> | undefined)?.[key]
  const pod = (spec ?? {}) as { containers?: { image?: string }[]; initContainers?: { image?: string }[] }
  return [...(pod.initContainers ?? []), ...(pod.containers ?? [])].flatMap((c) =>
    typeof c.image === 'string' ? [c.image] : [],
  )
}

/**
 * Health `sinceSyncMs` after the sync that applied it: workloads roll out for `rolloutMs`, then
 * are Healthy, or Degraded when one of their images crashes. Kinds without a health check have none.
 */
export function resourceHealth(
  resource: RenderedResource,
  sinceSyncMs: number,
  rolloutMs: number,
  crashes: (image: string) => boolean,
): ResourceHealth | undefined {
  if (WORKLOADS[resource.kind] === undefined) {
    return resource.kind === 'Service' || resource.kind === 'ConfigMap' ? { status: 'Healthy' } : undefined
  }
  const crashing = resource.images.some(crashes)
  if (sinceSyncMs < rolloutMs) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: 0 of 1 updated replicas are available...`,
    }
  }
  if (crashing) {
    return { status: 'Degraded', message: `${resource.kind} "${resource.name}" exceeded its progress deadline` }
  }
  return { status: 'Healthy' }
}

const ORDER = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded'] as const

/** The application's health: its worst resource's. */
export function applicationHealth(healths: readonly (ResourceHealth | undefined)[]): string {
  let worst = 0
  for (const health of healths) {
    if (health !== undefined) worst = Math.max(worst, ORDER.indexOf(health.status))
  }
  return ORDER[worst]!
}
