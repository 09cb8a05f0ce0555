// Commit statuses for the GitHub stand-in: what CI systems, Argo CD Notifications and Flux's
// notification-controller post on a GitOps commit, and what branch protection's required checks
// and a verifier read back. Kept in memory per commit sha of the stand-in's repository; refs are
// resolved through its real git history, as GitHub does.
import type { Reply, RepoModel } from './handlers.js'
import { ApiError } from './handlers.js'
import * as shape from './shapes.js'
import type { Site } from './shapes.js'

export const STATUS_OPERATIONS = ['repos/create-commit-status', 'repos/get-combined-status-for-ref'] as const

export type StatusOperation = (typeof STATUS_OPERATIONS)[number]

export function isStatusOperation(operationId: string): operationId is StatusOperation {
  return (STATUS_OPERATIONS as readonly string[]).includes(operationId)
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success'

export interface FakeCommitStatus {
  id: number
  sha: string
  state: CommitState
  context: string
  description: string | null
  targetUrl: string | null
  createdAt: string
  /** Login of who posted it (the token's user through the API; `poster` for test controls). */
  creator: string
}

/** What a test (or a stand-in controller) posts; `context` defaults to `default`, as on GitHub. */
export interface StatusInput {
  state: CommitState
  context?: string
  description?: string
  targetUrl?: string
  /** Shown as the creator's login (default: the token's user). */
  poster?: string
}

type Json = Record<string, unknown>

/** GitHub keeps at most this many statuses per sha and context. */
const MAX_STATUSES_PER_CONTEXT = 1000
const MAX_DESCRIPTION = 140

export class StatusesModel {
  /** Every status ever posted, oldest first. */
  readonly all: FakeCommitStatus[] = []
  private nextId = 7_000_000
  private readonly listeners = new Set<(status: FakeCommitStatus) => void>()

  constructor(private readonly model: RepoModel) {}

  private get site(): Site {
    return this.model.site
  }

  /** Called after every status is recorded (e.g. to re-evaluate branch protection or auto-merge). */
  onStatus(listener: (status: FakeCommitStatus) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async handle(
    operationId: StatusOperation,
    params: Record<string, string>,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply> {
    switch (operationId) {
      case 'repos/create-commit-status': {
        const input = body as Json
        const status = await this.post(params.sha ?? '', {
          state: input.state as CommitState,
          context: typeof input.context === 'string' ? input.context : undefined,
          description: typeof input.description === 'string' ? input.description : undefined,
          targetUrl: typeof input.target_url === 'string' ? input.target_url : undefined,
        })
        return { status: 201, json: this.statusJson(status) }
      }
      case 'repos/get-combined-status-for-ref':
        return { status: 200, json: this.combinedJson(await this.commitOf(params.ref ?? ''), query) }
    }
  }

  /** Records a status on a commit, as `POST /statuses/{sha}` does. */
  async post(sha: string, input: StatusInput): Promise<FakeCommitStatus> {
    const commit = /^[0-9a-f]{40}$/i.test(sha) ? await this.model.git.resolve(sha, 'commit') : undefined
    if (commit === undefined) {
      throw new ApiError(422, 'No commit found for SHA: ' + sha)
    }
    const context = input.context ?? 'default'
    const description = input.description ?? null
    if (description !== null && description.length > MAX_DESCRIPTION) {
      throw new ApiError(422, 'Validation Failed', {
        errors: [{ resource: 'Status', field: 'description', code: 'custom', message: 'description is too long' }],
      })
    }
    if (this.all.filter((s) => s.sha === commit && s.context === context).length >= MAX_STATUSES_PER_CONTEXT) {
      throw new ApiError(422, 'Validation Failed', {
        errors: [
          {
            resource: 'Status',
            code: 'custom',
            message: `This SHA and context has reached the maximum number of statuses.`,
          },
        ],
      })
    }
    const status: FakeCommitStatus = {
      id: this.nextId++,
      sha: commit,
      state: input.state,
      context,
      description,
      targetUrl: input.targetUrl ?? null,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creator: input.poster ?? this.model.tokenUser.login,
    }
    this.all.push(status)
    for (const listener of this.listeners) listener(status)
    return status
  }

  /** The statuses of one commit, oldest first. */
  forSha(sha: string): FakeCommitStatus[] {
    return this.all.filter((s) => s.sha === sha)
  }

  /** The newest status of each context on a commit, as the combined status lists them (newest first). */
  latest(sha: string): FakeCommitStatus[] {
    const byContext = new Map<string, FakeCommitStatus>()
    for (const status of this.forSha(sha)) byContext.set(status.context, status)
    return [...byContext.values()].sort((a, b) => b.id - a.id)
  }

  /**
   * GitHub's combined state: `failure` if any context is `error` or `failure`, `pending` if there
   * are none or any is `pending`, else `success`.
   */
  combinedState(sha: string): CommitState {
    const latest = this.latest(sha)
    if (latest.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure'
    if (latest.length === 0 || latest.some((s) => s.state === 'pending')) return 'pending'
    return 'success'
  }

  /** A sha, branch (`main`, `heads/main`) or tag name, as the `{ref}` of the commits endpoints. */
  private async commitOf(ref: string): Promise<string> {
    const candidates = /^[0-9a-f]{4,40}$/i.test(ref)
      ? [ref]
      : [`refs/heads/${ref.replace(/^heads\//, '')}`, `refs/tags/${ref.replace(/^tags\//, '')}`]
    for (const candidate of candidates) {
      const sha = await this.model.git.resolve(candidate, 'commit')
      if (sha !== undefined) return sha
    }
    throw new ApiError(422, `No commit found for SHA: ${ref}`)
  }

  private combinedJson(sha: string, query: URLSearchParams): Json {
    const latest = this.latest(sha)
    const repoApi = `${this.site.api}/repos/${this.site.owner}/${this.site.repo}`
    return {
      state: this.combinedState(sha),
      statuses: page(latest, query).map((s) => this.simpleStatusJson(s)),
      sha,
      total_count: latest.length,
      repository: minimalRepository(this.site, this.model.pushedAt),
      commit_url: `${repoApi}/commits/${sha}`,
      url: `${repoApi}/commits/${sha}/status`,
    }
  }

  private simpleStatusJson(s: FakeCommitStatus): Json {
    return {
      url: `${this.site.api}/repos/${this.site.owner}/${this.site.repo}/statuses/${s.sha}`,
      avatar_url: null,
      id: s.id,
      node_id: shape.nodeId('StatusContext', s.id),
      state: s.state,
      description: s.description,
      target_url: s.targetUrl,
      context: s.context,
      created_at: s.createdAt,
      updated_at: s.createdAt,
    }
  }

  private statusJson(s: FakeCommitStatus): Json {
    return {
      ...this.simpleStatusJson(s),
      creator: shape.user(this.site, {
        login: s.creator,
        id: s.creator === this.model.tokenUser.login ? this.model.tokenUser.id : 1,
        type: s.creator.endsWith('[bot]') ? 'Bot' : 'User',
      }),
    }
  }
}

function minimalRepository(site: Site, pushedAt: string): Json {
  return shape.repository(site, pushedAt)
}

/** `per_page` (default 30, at most 100) and `page` (from 1), as GitHub pages lists. */
function page<T>(items: readonly T[], query: URLSearchParams): T[] {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
  const pageNumber = Math.max(1, Number(query.get('page') ?? 1) || 1)
  return items.slice((pageNumber - 1) * perPage, pageNumber * perPage)
}
