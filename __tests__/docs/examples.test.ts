// Every Kubernetes manifest under examples/ (the guides quote them) must parse and carry what
// its kind needs, so a reader who copies one gets something the cluster accepts.
import { describe, expect, test } from '@jest/globals'
import { parseAllDocuments } from 'yaml'
import { parseImageReference } from '../../src/image/reference.js'
import { at, filesUnder, read } from './helpers.js'

type Json = Record<string, unknown>

interface Manifest {
  readonly file: string
  readonly index: number
  readonly doc: Json
}

const MANIFEST_FILES = filesUnder('examples', ['.yaml', '.yml']).filter(
  (file) => !file.startsWith('examples/workflows/'),
)

const MANIFESTS: Manifest[] = MANIFEST_FILES.flatMap((file) =>
  parseAllDocuments(read(file)).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`)
    return { file, index, doc: document.toJS() as Json }
  }),
)

const API_VERSIONS: Record<string, string> = {
  Application: 'argoproj.io/v1alpha1',
  AppProject: 'argoproj.io/v1alpha1',
  ExternalSecret: 'external-secrets.io/v1',
  ClusterSecretStore: 'external-secrets.io/v1',
  SecretStore: 'external-secrets.io/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  CronJob: 'batch/v1',
  Job: 'batch/v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  ConfigMap: 'v1',
  Provider: 'notification.toolkit.fluxcd.io/v1beta3',
  Alert: 'notification.toolkit.fluxcd.io/v1beta3',
}

function requireFields(manifest: Manifest, fields: readonly string[]): void {
  const missing = fields.filter((field) => {
    const value = at(manifest.doc, field)
    return value === undefined || value === null || value === ''
  })
  expect({ where: where(manifest), missing }).toEqual({ where: where(manifest), missing: [] })
}

function where(manifest: Manifest): string {
  return `${manifest.file}#${manifest.index} (${String(manifest.doc.kind)})`
}

function ofKind(...kinds: string[]): Manifest[] {
  return MANIFESTS.filter((manifest) => kinds.includes(String(manifest.doc.kind)))
}

function podSpec(manifest: Manifest): Json {
  const path = manifest.doc.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'
  return (at(manifest.doc, path) ?? {}) as Json
}

function containers(manifest: Manifest): Json[] {
  const spec = podSpec(manifest)
  return [...((spec.initContainers ?? []) as Json[]), ...((spec.containers ?? []) as Json[])]
}

describe('example manifests', () => {
  test('there are manifests for every guide', () => {
    const kinds = new Set(MANIFESTS.map((manifest) => manifest.doc.kind))
    for (const kind of [
      'Application',
      'ClusterSecretStore',
      'ExternalSecret',
      'ServiceAccount',
      'Deployment',
      'CronJob',
      'Service',
    ]) {
      expect({ kind, present: kinds.has(kind) }).toEqual({ kind, present: true })
    }
  })

  test.each(MANIFESTS.map((manifest) => [where(manifest), manifest] as const))(
    '%s has a known kind, its apiVersion and a name',
    (_name, manifest) => {
      const kind = String(manifest.doc.kind)
      expect(Object.keys(API_VERSIONS)).toContain(kind)
      expect(manifest.doc.apiVersion).toBe(API_VERSIONS[kind])
      requireFields(manifest, ['metadata.name'])
    },
  )

  test('the Argo CD Application syncs automatically with prune and self-heal', () => {
    for (const manifest of ofKind('Application')) {
      requireFields(manifest, [
        'spec.project',
        'spec.source.repoURL',
        'spec.source.path',
        'spec.source.targetRevision',
        'spec.destination.namespace',
      ])
      expect(at(manifest.doc, 'spec.destination.server') ?? at(manifest.doc, 'spec.destination.name')).toBeTruthy()
      expect(at(manifest.doc, 'spec.syncPolicy.automated.prune')).toBe(true)
      expect(at(manifest.doc, 'spec.syncPolicy.automated.selfHeal')).toBe(true)
      // The path it watches exists in the example GitOps tree.
      const path = String(at(manifest.doc, 'spec.source.path'))
      expect(filesUnder(`examples/gitops/${path}`, ['.yaml']).length).toBeGreaterThan(0)
    }
  })

  test('secret stores use Google Secret Manager through GKE Workload Identity', () => {
    for (const manifest of ofKind('ClusterSecretStore', 'SecretStore')) {
      requireFields(manifest, [
        'spec.provider.gcpsm.projectID',
        'spec.provider.gcpsm.auth.workloadIdentity.clusterLocation',
        'spec.provider.gcpsm.auth.workloadIdentity.clusterName',
        'spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.name',
      ])
      if (manifest.doc.kind === 'ClusterSecretStore') {
        // Cluster-scoped: the service account's namespace cannot be implied.
        requireFields(manifest, ['spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef.namespace'])
      }
    }
  })

  test('the store authenticates as an annotated service account that exists in the examples', () => {
    for (const store of ofKind('ClusterSecretStore')) {
      const ref = at(store.doc, 'spec.provider.gcpsm.auth.workloadIdentity.serviceAccountRef') as Json
      const account = ofKind('ServiceAccount').find(
        (manifest) =>
          at(manifest.doc, 'metadata.name') === ref.name && at(manifest.doc, 'metadata.namespace') === ref.namespace,
      )
      expect(account).toBeDefined()
      const annotation = at(account?.doc, 'metadata.annotations') as Json | undefined
      expect(String(annotation?.['iam.gke.io/gcp-service-account'])).toMatch(
        new RegExp(
          `^[a-z][a-z0-9-]+@${String(at(store.doc, 'spec.provider.gcpsm.projectID'))}\\.iam\\.gserviceaccount\\.com$`,
        ),
      )
    }
  })

  test('ExternalSecrets name a store, a target and what to fetch, and feed a workload', () => {
    const stores = ofKind('ClusterSecretStore', 'SecretStore').map(
      (manifest) => `${String(manifest.doc.kind)}/${String(at(manifest.doc, 'metadata.name'))}`,
    )
    const consumed = new Set(
      ofKind('Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job').flatMap((manifest) =>
        containers(manifest).flatMap((container) =>
          ((container.envFrom ?? []) as Json[]).map((source) => at(source, 'secretRef.name')),
        ),
      ),
    )
    for (const manifest of ofKind('ExternalSecret')) {
      requireFields(manifest, ['spec.secretStoreRef.name', 'spec.secretStoreRef.kind', 'spec.target.name'])
      expect(stores).toContain(
        `${String(at(manifest.doc, 'spec.secretStoreRef.kind'))}/${String(at(manifest.doc, 'spec.secretStoreRef.name'))}`,
      )
      const data = (at(manifest.doc, 'spec.data') ?? []) as Json[]
      const dataFrom = (at(manifest.doc, 'spec.dataFrom') ?? []) as Json[]
      expect(data.length + dataFrom.length).toBeGreaterThan(0)
      for (const item of data) {
        expect(typeof item.secretKey).toBe('string')
        expect(typeof at(item, 'remoteRef.key')).toBe('string')
      }
      expect(consumed).toContain(at(manifest.doc, 'spec.target.name'))
    }
  })

  test('workloads have a selector matching their labels and named containers with valid images', () => {
    for (const manifest of ofKind('Deployment', 'StatefulSet', 'DaemonSet')) {
      requireFields(manifest, [
        'spec.selector.matchLabels',
        'spec.template.metadata.labels',
        'spec.template.spec.containers',
      ])
      const selector = at(manifest.doc, 'spec.selector.matchLabels') as Json
      expect(at(manifest.doc, 'spec.template.metadata.labels')).toMatchObject(selector)
    }
    for (const manifest of ofKind('CronJob')) {
      requireFields(manifest, ['spec.schedule', 'spec.jobTemplate.spec.template.spec.containers'])
      expect(['OnFailure', 'Never']).toContain(podSpec(manifest).restartPolicy)
    }
    for (const manifest of ofKind('Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job')) {
      const list = containers(manifest)
      expect(list.length).toBeGreaterThan(0)
      for (const container of list) {
        expect(String(container.name)).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        expect(() => parseImageReference(String(container.image))).not.toThrow()
      }
    }
  })

  test('our own images are pinned as REPO:TAG@sha256 in the GitOps examples', () => {
    const images = ofKind('Deployment', 'CronJob').flatMap((manifest) =>
      containers(manifest).map((container) => String(container.image)),
    )
    const ours = images.filter((image) => image.startsWith('europe-docker.pkg.dev/acme-prod/apps/'))
    expect(ours.length).toBeGreaterThanOrEqual(3)
    for (const image of ours) {
      const reference = parseImageReference(image)
      expect({ image, tag: Boolean(reference.tag), digest: Boolean(reference.digest) }).toEqual({
        image,
        tag: true,
        digest: true,
      })
    }
  })

  test('Services select pods that a workload in the same directory labels', () => {
    for (const service of ofKind('Service')) {
      requireFields(service, ['spec.selector', 'spec.ports'])
      const directory = service.file.slice(0, service.file.lastIndexOf('/'))
      const workloads = MANIFESTS.filter(
        (manifest) => manifest.file.startsWith(directory) && manifest.doc.kind === 'Deployment',
      )
      expect(
        workloads.some((workload) => {
          const labels = at(workload.doc, 'spec.template.metadata.labels') as Json
          return Object.entries(at(service.doc, 'spec.selector') as Json).every(([key, value]) => labels[key] === value)
        }),
      ).toBe(true)
    }
  })
})
