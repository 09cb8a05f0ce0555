// A stand-in for the Argo CD API server and application controller, driven by the git-backed GitHub
// stand-in: `GET /api/v1/applications/{name}` (with `appNamespace` and `refresh`) answers the
// Application as Argo CD would at that moment. See README.md in this directory.
//
// The controller is simulated lazily, on each request, from timestamps: Git is polled every
// `pollIntervalMs` (a `refresh` request compares now instead and, as Argo CD's API does, answers
// after that comparison); an automated sync starts when the branch moved and takes `syncDurationMs`;
// after it, health stays the previous revision's until the controller compares again
// (`healthLagMs`, and at least `staleReads` answers); then workloads are Progressing for `rolloutMs`
// and end Healthy, or Degraded when they run an image listed as crashing.
import http from 'node:http'
import type { KeyObject } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { FakeGitHub } from '../github-api/server.js'
import { decodeJwt, verifyRs256 } from '../gcp/jwt.js'
import {
  type RenderedResource,
  type ResourceHealth,
  applicationHealth,
  renderResources,
  resourceHealth,
} from './health.js'
import { type Reporter, reportedStatus } from './reporters.js'

export interface StandInApplication {
  readonly name: string
  /** Default `argocd` (Argo CD's own namespace). */
  readonly namespace?: string
  readonly project?: string
  readonly source: { readonly repoURL: string; readonly path: string; readonly targetRevision: string }
  /** `spec.syncPolicy.automated` (default true). */
  readonly automated?: boolean
  /** Destination namespace of the resources (default `default`). */
  readonly destinationNamespace?: string
}

/** Timings of an Argo CD that notices, syncs and rolls out a commit on its own within about a second. */
export const RECONCILES_QUICKLY = {
  reconcileEveryMs: 100,
  pollIntervalMs: 200,
  syncDurationMs: 300,
  healthLagMs: 200,
  rolloutMs: 300,
} as const

/** An Application `name` deploying `path` of the stand-in GitOps repository's `main`. */
export function applicationOf(github: FakeGitHub, name: string, path: string): StandInApplication {
  const repoURL = `${github.serverUrl}/${github.owner}/${github.repo}.git`
  return { name, source: { repoURL, path, targetRevision: 'main' } }
}

export interface ArgoCdStandInOptions {
  readonly github: FakeGitHub
  readonly applications: readonly StandInApplication[]
  /** Bearer tokens and the applications (`NAME` or `NAMESPACE/NAME`) each may read; default: one token for all. */
  readonly tokens?: Readonly<Record<string, readonly string[] | '*'>>
  /** Accept GitHub OIDC tokens from this issuer for this audience (all applications). */
  readonly oidc?: { readonly issuer: string; readonly publicKey: KeyObject; readonly audience: string }
  readonly pollIntervalMs?: number
  readonly syncDurationMs?: number
  readonly healthLagMs?: number
  readonly staleReads?: number
  readonly rolloutMs?: number
  /** Images (substrings of the reference, e.g. a digest) whose pods crash-loop. */
  readonly crashingImages?: readonly string[]
  /**
   * Reconcile on a timer this often, without anyone asking the API, as a real controller does
   * (Git is still polled every `pollIntervalMs`). Default: only when asked.
   */
  readonly reconcileEveryMs?: number
  /** Post commit statuses to the GitHub stand-in as these do (with `reconcileEveryMs`). See reporters.ts. */
  readonly reporters?: readonly Reporter[]
}

export interface ArgoRequest {
  readonly at: number
  readonly method: string
  readonly path: string
  readonly query: string
  readonly status: number
  /** Whether health in the answer was the previous revision's (reconciledAt before the sync ended). */
  readonly staleHealth?: boolean
  readonly health?: string
}

export interface ArgoCdStandIn {
  readonly url: string
  /** A token that may read every application. */
  readonly token: string
  readonly requests: ArgoRequest[]
  /** When each revision was first answered as Synced + Healthy + fresh (ms since the epoch). */
  readonly healthyAt: Map<string, number>
  /** When each synced revision would first have been answered Healthy, had anyone asked (ms since the epoch). */
  readonly readyAt: Map<string, number>
  /** Marks images (substrings) as crash-looping from now on. */
  crash(image: string): void
  /** The next `times` application requests are answered with this status (e.g. 503). */
  injectFault(status: number, times?: number): void
  /** Awaited before each application request is handled; returns a function that removes the hook. */
  onBeforeRequest(hook: (request: { path: string; query: string }) => Promise<void> | void): () => void
  /** Stops the timed reconciliation (and its statuses) until `resume()`. */
  pause(): void
  resume(): void
  close(): Promise<void>
}

interface Operation {
  revision: string
  startedAt: number
  finishedAt?: number
  phase: 'Running' | 'Succeeded' | 'Failed'
  message: string
}

interface AppState {
  readonly spec: StandInApplication
  readonly namespace: string
  observed: string
  synced: string
  syncedAt: number
  lastPollAt: number
  reconciledAt: number
  operation?: Operation
  /** Health and resources as of the last comparison before the current sync finished. */
  staleView?: View
  staleServed: number
  history: { id: number; revision: string; deployedAt: number }[]
  resources: RenderedResource[]
  condition?: string
}

interface View {
  health: string
  resources: { resource: RenderedResource; health?: ResourceHealth }[]
}

const DEFAULT_TOKEN = 'argocd-project-role-token-0123456789abcdef'

export async function startArgoCd(options: ArgoCdStandInOptions): Promise<ArgoCdStandIn> {
  const pollIntervalMs = options.pollIntervalMs ?? 180_000
  const syncDurationMs = options.syncDurationMs ?? 400
  const healthLagMs = options.healthLagMs ?? 300
  const staleReads = options.staleReads ?? 0
  const rolloutMs = options.rolloutMs ?? 400
  const crashing = new Set(options.crashingImages ?? [])
  const crashes = (image: string): boolean => [...crashing].some((needle) => image.includes(needle))
  const tokens = options.tokens ?? { [DEFAULT_TOKEN]: '*' }
  const github = options.github
  const requests: ArgoRequest[] = []
  const healthyAt = new Map<string, number>()
  const readyAt = new Map<string, number>()
  let faults: { status: number; remaining: number } | undefined
  const hooks = new Set<(request: { path: string; query: string }) => Promise<void> | void>()

  const branchHead = async (revision: string): Promise<string> => {
    const head = await github.headSha(revision === 'HEAD' || revision === '' ? github.defaultBranch : revision)
    if (head === undefined) throw new Error(`unable to resolve '${revision}' to a commit SHA`)
    return head
  }

  const render = async (app: AppState, revision: string): Promise<RenderedResource[]> => {
    const path = app.spec.source.path.replace(/^\.?\/+|\/+$/g, '')
    const listed = await github.git([
      'ls-tree',
      '-r',
      '-z',
      '--name-only',
      revision,
      '--',
      ...(path === '' || path === '.' ? [] : [path]),
    ])
    const files: { path: string; content: string }[] = []
    for (const file of listed.split('\0').filter((name) => /\.ya?ml$/.test(name))) {
      files.push({ path: file, content: (await github.readFile(revision, file)) ?? '' })
    }
    return renderResources(files, app.spec.destinationNamespace ?? 'default')
  }

  const liveView = (app: AppState, now: number): View => {
    const resources = app.resources.map((resource) => {
      const health = resourceHealth(resource, now - app.syncedAt, rolloutMs, crashes)
      return { resource, ...(health !== undefined && { health }) }
    })
    return { health: resources.length === 0 ? 'Missing' : applicationHealth(resources.map((r) => r.health)), resources }
  }

  const apps: AppState[] = []
  const started = Date.now()
  for (const spec of options.applications) {
    const head = await branchHead(spec.source.targetRevision)
    const app: AppState = {
      spec,
      namespace: spec.namespace ?? 'argocd',
      observed: head,
      synced: head,
      // Deployed long ago: fully rolled out.
      syncedAt: started - 3_600_000,
      lastPollAt: started,
      reconciledAt: started,
      staleServed: 0,
      history: [{ id: 0, revision: head, deployedAt: started - 3_600_000 }],
      resources: [],
    }
    app.resources = await render(app, head)
    apps.push(app)
  }

  /** Brings the simulated controller up to `now`; `refresh` compares with Git at once. */
  const advance = async (app: AppState, now: number, refresh: boolean): Promise<void> => {
    const op = app.operation
    if (op?.phase === 'Running' && now >= op.startedAt + syncDurationMs) {
      op.finishedAt = op.startedAt + syncDurationMs
      // Health as the controller last assessed it: the previous revision's pods.
      app.staleView = liveView(app, op.finishedAt)
      try {
        app.resources = await render(app, op.revision)
        op.phase = 'Succeeded'
        op.message = 'successfully synced (all tasks run)'
        app.synced = op.revision
        app.syncedAt = op.finishedAt
        app.staleServed = 0
        app.history.push({ id: app.history.length, revision: op.revision, deployedAt: op.finishedAt })
        readyAt.set(op.revision, op.finishedAt + Math.max(rolloutMs, healthLagMs))
      } catch (error) {
        op.phase = 'Failed'
        op.message = `one or more objects failed to apply, reason: ${String((error as Error).message)}`
        app.staleView = undefined
      }
    }
    const stale = (): boolean =>
      app.operation?.finishedAt !== undefined &&
      app.reconciledAt < app.operation.finishedAt &&
      (now < app.operation.finishedAt + healthLagMs || app.staleServed < staleReads)
    if (app.staleView !== undefined && !stale()) {
      app.staleView = undefined
      app.reconciledAt = Math.max(now, app.operation?.finishedAt ?? now)
    }
    if (refresh || now - app.lastPollAt >= pollIntervalMs) {
      app.lastPollAt = now
      try {
        app.observed = await branchHead(app.spec.source.targetRevision)
        app.condition = undefined
        if (app.observed !== app.synced) await render(app, app.observed)
      } catch (error) {
        app.condition = `Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ${String((error as Error).message)}`
      }
      // A comparison during the stale window does not see the new pods yet.
      if (app.staleView === undefined) app.reconciledAt = now
    }
    const running = app.operation?.phase === 'Running'
    const failedBefore = app.operation?.phase === 'Failed' && app.operation.revision === app.observed
    if (
      (app.spec.automated ?? true) &&
      !running &&
      !failedBefore &&
      app.condition === undefined &&
      app.observed !== app.synced
    ) {
      app.operation = {
        revision: app.observed,
        startedAt: now,
        phase: 'Running',
        message: 'waiting for completion of hook and resources',
      }
      app.staleView = undefined
    }
  }

  const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

  const applicationJson = (
    app: AppState,
    now: number,
  ): { json: Record<string, unknown>; stale: boolean; health: string } => {
    const view = app.staleView ?? liveView(app, now)
    const stale = app.staleView !== undefined
    const op = app.operation
    const syncStatus = app.condition !== undefined ? 'Unknown' : app.observed === app.synced ? 'Synced' : 'OutOfSync'
    if (!stale && syncStatus === 'Synced' && view.health === 'Healthy' && !healthyAt.has(app.synced)) {
      healthyAt.set(app.synced, now)
    }
    const source = { ...app.spec.source }
    const json = {
      metadata: {
        name: app.spec.name,
        namespace: app.namespace,
        uid: `00000000-0000-4000-8000-${String(apps.indexOf(app)).padStart(12, '0')}`,
        resourceVersion: String(requests.length + 1000),
        creationTimestamp: iso(started - 86_400_000),
      },
      spec: {
        project: app.spec.project ?? 'default',
        source,
        destination: {
          server: 'https://kubernetes.default.svc',
          namespace: app.spec.destinationNamespace ?? 'default',
        },
        syncPolicy: (app.spec.automated ?? true) ? { automated: { prune: true, selfHeal: true } } : {},
      },
      status: {
        resources: view.resources.map(({ resource, health }) => ({
          ...(resource.group !== '' && { group: resource.group }),
          version: resource.version,
          kind: resource.kind,
          namespace: resource.namespace,
          name: resource.name,
          status: syncStatus === 'Synced' ? 'Synced' : 'OutOfSync',
          ...(health !== undefined && {
            health: { status: health.status, ...(health.message && { message: health.message }) },
          }),
        })),
        sync: {
          status: syncStatus,
          comparedTo: { source, destination: { server: 'https://kubernetes.default.svc' } },
          revision: app.observed,
        },
        health: { status: view.health },
        history: app.history.map((entry) => ({
          id: entry.id,
          revision: entry.revision,
          deployedAt: iso(entry.deployedAt),
          source,
        })),
        ...(app.condition !== undefined && {
          conditions: [{ type: 'ComparisonError', message: app.condition, lastTransitionTime: iso(now) }],
        }),
        reconciledAt: iso(app.reconciledAt),
        ...(op !== undefined && {
          operationState: {
            operation: { sync: { revision: op.revision }, initiatedBy: { automated: true }, retry: { limit: 5 } },
            phase: op.phase,
            message: op.message,
            startedAt: iso(op.startedAt),
            ...(op.finishedAt !== undefined && {
              finishedAt: iso(op.finishedAt),
              syncResult: { revision: op.revision, source, resources: [] },
            }),
          },
        }),
        sourceType: 'Directory',
        summary: { images: [...new Set(view.resources.flatMap(({ resource }) => resource.images))] },
        controllerNamespace: 'argocd',
      },
    }
    return { json, stale, health: view.health }
  }

  const allowed = (bearer: string | undefined, app: StandInApplication): 'ok' | 'unauthenticated' | 'denied' => {
    if (bearer === undefined) return 'unauthenticated'
    const grant = tokens[bearer]
    if (grant !== undefined) {
      if (grant === '*') return 'ok'
      const full = `${app.namespace ?? 'argocd'}/${app.name}`
      return grant.includes(app.name) || grant.includes(full) ? 'ok' : 'denied'
    }
    if (options.oidc !== undefined) {
      const jwt = decodeJwt(bearer)
      if (jwt !== undefined && verifyRs256(jwt, options.oidc.publicKey)) {
        const { iss, aud, exp } = jwt.claims as { iss?: string; aud?: string | string[]; exp?: number }
        const audiences = Array.isArray(aud) ? aud : [aud]
        if (
          iss === options.oidc.issuer &&
          audiences.includes(options.oidc.audience) &&
          (exp ?? 0) * 1000 > Date.now()
        ) {
          return 'ok'
        }
      }
    }
    return 'unauthenticated'
  }

  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    const payload = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) })
    res.end(payload)
  }
  const grpcError = (message: string, code: number) => ({ error: message, code, message })

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<ArgoRequest> => {
    const now = Date.now()
    const url = new URL(req.url ?? '/', 'http://argocd.invalid')
    const base = { at: now, method: req.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, '') }
    const match = /^\/api\/v1\/applications\/([^/]+)$/.exec(url.pathname)
    if (req.method !== 'GET' || match === null) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('Not Found')
      return { ...base, status: 404 }
    }
    for (const hook of [...hooks]) await hook({ path: base.path, query: base.query })
    if (faults !== undefined && faults.remaining > 0) {
      faults.remaining--
      send(res, faults.status, grpcError('upstream connect error or disconnect/reset before headers', 14))
      return { ...base, status: faults.status }
    }
    const header = req.headers.authorization
    const bearer = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]
    const name = decodeURIComponent(match[1]!)
    const namespace = url.searchParams.get('appNamespace') || 'argocd'
    const app = apps.find((candidate) => candidate.spec.name === name && candidate.namespace === namespace)
    const access = allowed(
      bearer,
      app?.spec ?? { name, namespace, source: { repoURL: '', path: '', targetRevision: '' } },
    )
    if (access === 'unauthenticated') {
      send(
        res,
        401,
        grpcError(bearer === undefined ? 'no session information' : 'invalid session: token signature is invalid', 16),
      )
      return { ...base, status: 401 }
    }
    // Argo CD does not tell a missing application from a forbidden one.
    if (access === 'denied' || app === undefined) {
      send(res, 403, grpcError('permission denied', 7))
      return { ...base, status: 403 }
    }
    const refresh = url.searchParams.has('refresh')
    await advance(app, Date.now(), refresh)
    const { json, stale, health } = applicationJson(app, Date.now())
    if (stale) app.staleServed++
    send(res, 200, json)
    return { ...base, status: 200, staleHealth: stale, health }
  }

  // The timed controller: reconciles every application and posts what the reporters would.
  const posted = new Map<string, string>()
  let argoUrl = ''
  let paused = false
  let ticking = false
  const report = async (app: AppState, now: number): Promise<void> => {
    const op = app.operation
    if (op === undefined || (options.reporters ?? []).length === 0) return
    const fresh = op.phase === 'Succeeded' && app.staleView === undefined
    const view = fresh ? liveView(app, now) : undefined
    const state = {
      app: app.spec.name,
      revision: op.revision,
      phase: op.phase,
      operationMessage: op.message,
      ...(view !== undefined && { health: view.health }),
      ...(view !== undefined && {
        healthMessage: view.resources.find((r) => r.health !== undefined && r.health.status !== 'Healthy')?.health
          ?.message,
      }),
    }
    for (const reporter of options.reporters ?? []) {
      const status = reportedStatus(reporter, state, argoUrl)
      if (status === undefined) continue
      const key = `${reporter}/${app.namespace}/${app.spec.name}`
      const said = `${op.revision} ${status.state} ${status.description}`
      if (posted.get(key) === said) continue
      posted.set(key, said)
      await github.setStatus(op.revision, {
        state: status.state,
        context: status.context,
        description: status.description,
        ...(status.targetUrl !== undefined && { targetUrl: status.targetUrl }),
        poster: reporter === 'flux' ? 'fluxcdbot' : 'argocd-notifications[bot]',
      })
    }
  }
  const tick = async (): Promise<void> => {
    if (paused || ticking || argoUrl === '') return
    ticking = true
    try {
      for (const app of apps) {
        await advance(app, Date.now(), false)
        await report(app, Date.now())
      }
    } finally {
      ticking = false
    }
  }
  const timer =
    options.reconcileEveryMs === undefined
      ? undefined
      : setInterval(() => {
          tick().catch((error: unknown) => console.error(`Argo CD stand-in: reconcile failed: ${String(error)}`))
        }, options.reconcileEveryMs)

  const server = http.createServer((req, res) => {
    req.resume()
    handle(req, res)
      .then((request) => requests.push(request))
      .catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, grpcError(`stand-in error: ${String(error)}`, 13))
        else res.end()
      })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  argoUrl = url
  return {
    url,
    token: Object.keys(tokens).find((key) => tokens[key] === '*') ?? DEFAULT_TOKEN,
    requests,
    healthyAt,
    readyAt,
    crash: (image) => void crashing.add(image),
    injectFault: (status, times = 1) => {
      faults = { status, remaining: times }
    },
    onBeforeRequest: (hook) => {
      hooks.add(hook)
      return () => void hooks.delete(hook)
    },
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (timer !== undefined) clearInterval(timer)
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
