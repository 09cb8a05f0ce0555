// A stand-in for the GitHub REST API for end-to-end tests: answers the endpoints the action uses
// from a real bare git repository (git CLI), the way GitHub answers them, and checks every request
// against GitHub's published OpenAPI description. See README.md in this directory.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { GitRepo, formatIdentity } from './git.js'
import { createCommitOnBranch } from './graphql-commit.js'
import type { TreeChange } from './git.js'
import {
  ApiError,
  DEFAULT_TREE_ENTRY_LIMIT,
  GITHUB_ACTIONS_BOT,
  RepoModel,
  type Reply,
  type TokenUser,
} from './handlers.js'
import { OpenApiValidator, type RouteMatch } from './openapi.js'
import { handleGraphql, isGraphqlPath } from './graphql.js'
import { DeploymentsModel, isDeploymentOperation } from './deployments.js'
import { type FakeCommitStatus, type StatusInput, StatusesModel, isStatusOperation } from './statuses.js'
import { AttestationsModel, isAttestationOperation } from './attestations.js'
import { errorBody, type Site } from './shapes.js'
import { type BranchProtection, type MergeMethod, MergeModel, type MergeSettings, type StatusSource } from './merges.js'

export { GITHUB_ACTIONS_BOT, type TokenUser } from './handlers.js'
export { OpenApiValidator } from './openapi.js'
export type { CommitState, FakeCommitStatus, StatusInput } from './statuses.js'
export type { BranchProtection, MergeSettings } from './merges.js'

export interface FakeGitHubOptions {
  /** Repository owner (default `acme`). */
  owner?: string
  /** Repository name (default `gitops`). */
  repo?: string
  /** Default branch (default `main`). */
  defaultBranch?: string
  /** The token clients must send (default: random); exposed as `.token`. */
  token?: string
  /** Web base for html_url links, i.e. GITHUB_SERVER_URL (default `https://github.example`). */
  serverUrl?: string
  /** Path prefix of the API, e.g. `/api/v3` to look like GitHub Enterprise Server (default none). */
  apiPrefix?: string
  /** Whose token it is (default `github-actions[bot]`, whose API commits GitHub signs). */
  tokenUser?: Partial<TokenUser> & { login: string }
  /** Also check the fake's own JSON responses against the published response schemas (default true). */
  validateResponses?: boolean
  /** Entries a recursive tree listing returns before it says `truncated` (default 100000). */
  treeEntryLimit?: number
  /** Latency model: each request waits a uniform random time in this range (ms) before it is handled (default none). */
  latencyMs?: Latency
  /** GraphQL `Blob.text` beyond this many bytes is cut and reported `isTruncated` (default 512 KiB). */
  blobTextLimit?: number
  /** How long GitHub's background mergeability job takes (default 200 ms). */
  mergeabilityDelayMs?: number
}

/** `[min, max]` milliseconds per request, or one fixed value. */
export type Latency = number | readonly [number, number]

export interface RecordedRequest {
  method: string
  /** Relative to the API base, without the query, percent-decoded. */
  path: string
  /** The raw query string without `?` ('' when none). */
  query: string
  status: number
  operationId?: string
}

export interface FaultRule {
  method?: string
  /** Tested against the decoded path relative to the API base, e.g. `/repos/acme/gitops/git/refs/heads/main`. */
  path?: RegExp
  /** How many matching requests to answer with this fault (default 1). */
  times?: number
  status: number
  headers?: Record<string, string>
  /** JSON body (a string is sent as is); none when undefined. */
  body?: unknown
}

export interface FakePullRequest {
  number: number
  state: 'open' | 'closed'
  title: string
  body: string | null
  /** Head branch name. */
  head: string
  headSha: string
  /** Base branch name. */
  base: string
  labels: string[]
  draft: boolean
  html_url: string
  merged: boolean
  mergeCommitSha?: string
  mergedBy?: string
  /** The armed auto-merge's method, when armed. */
  autoMerge?: string
  closedBy?: string
  queued: boolean
}

export interface FakeCommit {
  sha: string
  message: string
  parents: string[]
  /** `Name <email>` */
  author: string
  /** `Name <email>` */
  committer: string
  /** What GitHub would show: true for commits it signed (token identity, no hand-set author). */
  verified: boolean
}

export interface FakeGitHub {
  /** API base (GITHUB_API_URL), e.g. `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Web base (GITHUB_SERVER_URL). */
  readonly serverUrl: string
  readonly token: string
  readonly owner: string
  readonly repo: string
  readonly defaultBranch: string
  readonly bareRepoPath: string
  readonly validator: OpenApiValidator
  /** Every request answered, in the order answered. */
  readonly requests: RecordedRequest[]
  /** Every GraphQL `object(expression:)` read, e.g. `SHA:path`, in order. */
  readonly objectReads: string[]
  /** OpenAPI mismatches and internal errors; tests assert it stays empty. */
  readonly validationErrors: string[]
  /** Answer the next `times` matching requests with this status/body/headers instead of handling them. */
  injectFault(rule: FaultRule): void
  clearFaults(): void
  /** Runs (awaited) before each request is handled; returns a function that removes the hook. */
  onBeforeRequest(hook: (req: { method: string; path: string }) => Promise<void> | void): () => void
  /** Changes the latency model for the requests that arrive from now on (0: none). */
  setLatency(latency: Latency): void
  /** Commits these files (null deletes) on top of `branch` (created from the default branch if missing). */
  seed(files: Record<string, string | null>, opts?: { branch?: string; message?: string }): Promise<string>
  readFile(ref: string, path: string): Promise<string | undefined>
  headSha(branch: string): Promise<string | undefined>
  /** Newest first; [] when the branch does not exist. */
  commits(branch: string): Promise<FakeCommit[]>
  changedPaths(fromSha: string, toSha: string): Promise<string[]>
  /** Pull requests in creation order; `headSha` follows branch moves made through the API or seed(). */
  pulls(): FakePullRequest[]
  /** Repository labels by name. */
  labels(): string[]
  /** Deployments and their statuses, of every repository (the store behind the deployments endpoints). */
  readonly deploymentsModel: DeploymentsModel
  /** Commit statuses of the repository (the store behind the statuses endpoints; `onStatus` to react). */
  readonly statusesModel: StatusesModel
  /** Posts a commit status on a full sha as `POST /statuses/{sha}` would (a CI system, Argo CD Notifications, Flux). */
  setStatus(sha: string, status: StatusInput): Promise<FakeCommitStatus>
  /**
   * A person merges pull request `number` with GitHub's merge button (the merge model's checks and
   * commits, as `release-manager`). Returns the base branch's new head.
   */
  mergePullByPerson(number: number, method?: MergeMethod): Promise<string>
  /** Runs git (argument array, no shell) on the bare repository; returns stdout. */
  git(args: string[], input?: string): Promise<string>
  /** The repository's merge settings (methods allowed, auto-merge); change them in place or with setMergeSettings. */
  readonly mergeSettings: MergeSettings
  setMergeSettings(settings: Partial<MergeSettings>): void
  /** Branch protection of `branch` (required status checks, reviews, merge queue); undefined removes it. */
  protectBranch(branch: string, protection: BranchProtection | undefined): void
  /** Holds GitHub's background mergeability jobs (pull requests read `mergeable: null`) until resumed. */
  pauseMergeability(): void
  resumeMergeability(): void
  /** A person closes the pull request without merging it. */
  closePullRequest(number: number, by: string): void
  /** Approving reviews on the pull request. */
  approvePullRequest(number: number, approvals?: number): void
  /** GitHub disarms the pull request's auto-merge (as after a push by someone without write access). */
  disableAutoMerge(number: number): void
  /** Every merge the stand-in made: by the API, the auto-merge engine or the merge queue (`at`: epoch ms). */
  readonly merges: readonly { number: number; sha: string; method: string; by: string; via: string; at: number }[]
  resetRequests(): void
  /** Returns the validation errors collected so far and clears the list. */
  takeValidationErrors(): string[]
  /** Artifact attestations (Sigstore bundles) by repository and subject digest. */
  readonly attestations: AttestationsModel
  close(): Promise<void>
}

const SEED_AUTHOR = { name: 'Fixture Seeder', email: 'seeder@example.com' }

interface ActiveFault {
  rule: FaultRule
  remaining: number
}

class FakeGitHubServer implements FakeGitHub {
  readonly requests: RecordedRequest[] = []
  readonly objectReads: string[] = []
  readonly validationErrors: string[] = []
  url = ''
  private readonly faults: ActiveFault[] = []
  private readonly hooks = new Set<(req: { method: string; path: string }) => Promise<void> | void>()
  private rateRemaining = 5000
  private latency: readonly [number, number] = [0, 0]
  private readonly server: http.Server
  /** Deployments (of any repository the token reaches) and the compare API. */
  readonly deploymentsModel: DeploymentsModel
  readonly statusesModel: StatusesModel
  readonly mergeModel: MergeModel
  readonly attestations: AttestationsModel

  constructor(
    readonly validator: OpenApiValidator,
    private readonly repoGit: GitRepo,
    private readonly model: RepoModel,
    private readonly site: Site,
    readonly token: string,
    private readonly apiPrefix: string,
    private readonly validateResponses: boolean,
    private readonly blobTextLimit: number,
    mergeabilityDelayMs: number | undefined,
  ) {
    this.deploymentsModel = new DeploymentsModel(model)
    this.statusesModel = new StatusesModel(model)
    // Branch protection reads the head's commit statuses; a new status may let auto-merge go ahead.
    const statuses: StatusSource = (sha) =>
      this.statusesModel.latest(sha).map((status) => ({
        context: status.context,
        state: status.state,
        description: status.description,
        target_url: status.targetUrl,
      }))
    this.mergeModel = new MergeModel(model, statuses, {
      ...(mergeabilityDelayMs !== undefined && { mergeabilityDelayMs }),
    })
    model.merges = this.mergeModel
    this.statusesModel.onStatus(() => this.mergeModel.schedule())
    this.attestations = new AttestationsModel(() => site)
    this.server = http.createServer((req, res) => {
      this.dispatch(req, res).catch((error: unknown) => {
        this.validationErrors.push(`fake GitHub crashed on ${req.method} ${req.url}: ${String(error)}`)
        if (!res.headersSent) res.writeHead(500)
        res.end()
      })
    })
  }

  get serverUrl(): string {
    return this.site.web
  }
  get owner(): string {
    return this.site.owner
  }
  get repo(): string {
    return this.site.repo
  }
  get defaultBranch(): string {
    return this.site.defaultBranch
  }
  get bareRepoPath(): string {
    return this.repoGit.gitDir
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    const { port } = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}${this.apiPrefix}`
    this.site.api = this.url
  }

  // ---- HTTP --------------------------------------------------------------------------------

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const rawBody = Buffer.concat(chunks)
    const method = (req.method ?? 'GET').toUpperCase()
    const target = new URL(req.url ?? '/', 'http://fake.invalid')
    const inPrefix = target.pathname.startsWith(this.apiPrefix)
    const relPath = inPrefix ? target.pathname.slice(this.apiPrefix.length) || '/' : target.pathname
    const path = safeDecode(relPath)
    const query = target.search.replace(/^\?/, '')
    const label = `${method} ${path}${query ? `?${query}` : ''}`
    await this.delay()
    if (isGraphqlPath(target.pathname, this.apiPrefix)) return this.graphql(req, res, method, rawBody)

    const match = inPrefix ? this.validator.match(method, relPath) : undefined
    let body: { present: boolean; value?: unknown; invalid?: boolean } = { present: false }
    if (rawBody.length > 0) {
      try {
        body = { present: true, value: JSON.parse(rawBody.toString('utf8')) }
      } catch {
        body = { present: true, invalid: true }
      }
    }

    // Validation is recorded for every request, faulted or not: a bad request is a client bug.
    let invalid: Reply | undefined
    if (!match) {
      this.validationErrors.push(`${label}: GitHub's REST API has no such route`)
      invalid = this.error(404, 'Not Found', 'https://docs.github.com/rest')
    } else if (!match.operation) {
      this.validationErrors.push(`${label}: ${match.route.operationId} is a GitHub route the fake does not implement`)
      invalid = this.error(404, 'Not Found', 'https://docs.github.com/rest')
    } else if (body.invalid) {
      this.validationErrors.push(`${label}: request body is not JSON`)
      invalid = this.error(400, 'Problems parsing JSON', match.operation.docsUrl)
    } else {
      const check = this.validator.checkRequest(match.operation, match.params, target.searchParams, body)
      for (const problem of [...check.errors, ...check.warnings]) this.validationErrors.push(`${label}: ${problem}`)
      if (check.errors.length > 0) {
        invalid = check.notFound
          ? this.error(404, 'Not Found', match.operation.docsUrl)
          : this.error(422, `Invalid request.\n\n${check.errors.join('\n')}`, match.operation.docsUrl)
      }
    }

    for (const hook of [...this.hooks]) await hook({ method, path })

    const reply =
      this.takeFault(method, path) ??
      this.authenticate(req, match) ??
      invalid ??
      (await this.handle(match!, target, body.value, req, label))
    this.send(res, reply)
    this.requests.push({
      method,
      path,
      query,
      status: reply.status,
      ...(match ? { operationId: match.route.operationId } : {}),
    })
  }

  // GraphQL is not part of the REST description: answered by its own handlers (reads in
  // graphql.ts, the createCommitOnBranch mutation in graphql-commit.ts), recorded like the rest.
  private async graphql(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    method: string,
    rawBody: Buffer,
  ): Promise<void> {
    const path = '/graphql'
    for (const hook of [...this.hooks]) await hook({ method, path })
    let reply = this.takeFault(method, path) ?? this.authenticate(req, undefined)
    if (reply === undefined && method !== 'POST') {
      this.validationErrors.push(`${method} ${path}: GitHub's GraphQL API answers POST only`)
      reply = this.error(404, 'Not Found', 'https://docs.github.com/graphql')
    }
    const commit = reply === undefined ? await createCommitOnBranch(this.model, parseJson(rawBody)) : undefined
    reply ??= commit
    reply ??= await handleGraphql(
      rawBody,
      {
        site: this.site,
        git: this.repoGit,
        model: this.model,
        blobTextLimit: this.blobTextLimit,
        objectReads: this.objectReads,
      },
      this.validationErrors,
    )
    this.send(res, reply)
    // The operation tells reads from the one write GraphQL carries.
    const operationId = commit === undefined ? 'graphql' : 'createCommitOnBranch'
    this.requests.push({ method, path, query: '', status: reply.status, operationId })
  }

  private async delay(): Promise<void> {
    const [min, max] = this.latency
    if (max <= 0) return
    await new Promise((resolve) => setTimeout(resolve, min + Math.random() * (max - min)))
  }

  private authenticate(req: http.IncomingMessage, match: RouteMatch | undefined): Reply | undefined {
    const docs = match?.operation?.docsUrl ?? 'https://docs.github.com/rest'
    const header = req.headers.authorization
    if (!header) return this.error(401, 'Requires authentication', docs)
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header)
    if (!m || m[1] !== this.token) return this.error(401, 'Bad credentials', 'https://docs.github.com/rest')
    return undefined
  }

  private async handle(
    match: RouteMatch,
    target: URL,
    body: unknown,
    req: http.IncomingMessage,
    label: string,
  ): Promise<Reply> {
    const operation = match.operation!
    const { owner, repo } = match.params
    const deployments = isDeploymentOperation(operation.operationId) ? operation.operationId : undefined
    const attestations = isAttestationOperation(operation.operationId) ? operation.operationId : undefined
    if (
      deployments === undefined &&
      attestations === undefined &&
      (owner?.toLowerCase() !== this.site.owner.toLowerCase() || repo?.toLowerCase() !== this.site.repo.toLowerCase())
    ) {
      return this.error(404, 'Not Found', operation.docsUrl)
    }
    let reply: Reply
    try {
      const statuses = isStatusOperation(operation.operationId) ? operation.operationId : undefined
      reply = deployments
        ? await this.deploymentsModel.handle(deployments, match.params, target.searchParams, body)
        : statuses
          ? await this.statusesModel.handle(statuses, match.params, target.searchParams, body)
          : attestations
            ? this.attestations.handle(attestations, match.params, target.searchParams)
            : await this.model.handle({
                operationId: operation.operationId,
                params: match.params,
                query: target.searchParams,
                body,
                accept: String(req.headers.accept ?? ''),
              })
    } catch (error) {
      if (!(error instanceof ApiError)) {
        this.validationErrors.push(
          `${label}: fake GitHub internal error: ${error instanceof Error ? error.stack : String(error)}`,
        )
        return this.error(500, 'Server Error', operation.docsUrl)
      }
      reply = this.error(error.status, error.message, operation.docsUrl, error.extra)
    }
    // Error statuses GitHub leaves undocumented for an operation are not checked; successes always are.
    const documented = operation.responses[String(reply.status)] !== undefined || reply.status < 300
    if (this.validateResponses && reply.json !== undefined && documented) {
      for (const problem of this.validator.checkResponse(operation.operationId, reply.status, reply.json)) {
        this.validationErrors.push(`${label}: fake answered off-schema: ${problem}`)
      }
    }
    return reply
  }

  private error(status: number, message: string, docs: string, extra: Record<string, unknown> = {}): Reply {
    return { status, json: errorBody(message, docs, status, extra) }
  }

  private takeFault(method: string, path: string): Reply | undefined {
    const index = this.faults.findIndex(
      (f) => (!f.rule.method || f.rule.method.toUpperCase() === method) && (!f.rule.path || f.rule.path.test(path)),
    )
    if (index === -1) return undefined
    const fault = this.faults[index]
    if (--fault.remaining <= 0) this.faults.splice(index, 1)
    const { status, headers, body } = fault.rule
    if (body === undefined)
      return { status, raw: Buffer.alloc(0), headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } }
    if (typeof body === 'string')
      return { status, raw: Buffer.from(body), headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } }
    return { status, json: body, ...(headers ? { headers } : {}) }
  }

  private send(res: http.ServerResponse, reply: Reply): void {
    this.rateRemaining = Math.max(this.rateRemaining - 1, 0)
    const headers: Record<string, string> = {
      'x-github-request-id': requestId(),
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(this.rateRemaining),
      'x-ratelimit-used': String(5000 - this.rateRemaining),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    }
    let payload: Buffer | undefined
    if (reply.raw !== undefined) {
      payload = reply.raw
    } else if (reply.json !== undefined && reply.status !== 204) {
      headers['content-type'] = 'application/json; charset=utf-8'
      payload = Buffer.from(JSON.stringify(reply.json))
    }
    Object.assign(headers, reply.headers)
    if (payload) headers['content-length'] = String(payload.length)
    res.writeHead(reply.status, headers)
    res.end(payload)
  }

  // ---- test controls -----------------------------------------------------------------------

  injectFault(rule: FaultRule): void {
    this.faults.push({ rule, remaining: rule.times ?? 1 })
  }

  clearFaults(): void {
    this.faults.length = 0
  }

  setLatency(latency: Latency): void {
    this.latency = typeof latency === 'number' ? [latency, latency] : [latency[0], latency[1]]
  }

  onBeforeRequest(hook: (req: { method: string; path: string }) => Promise<void> | void): () => void {
    this.hooks.add(hook)
    return () => this.hooks.delete(hook)
  }

  async seed(files: Record<string, string | null>, opts: { branch?: string; message?: string } = {}): Promise<string> {
    const branchName = opts.branch ?? this.site.defaultBranch
    const fullRef = `refs/heads/${branchName}`
    return this.model.withLock(fullRef, async () => {
      for (;;) {
        const head = await this.repoGit.readRef(fullRef)
        const start = head ?? (await this.repoGit.readRef(`refs/heads/${this.site.defaultBranch}`))
        const entries = Object.entries(files)
        const written = entries.flatMap(([, content]) => (content === null ? [] : [content]))
        const shas = await this.repoGit.writeBlobs(written)
        const changes: TreeChange[] = entries.map(([path, content]) => ({
          path: path.replace(/^\/+/, ''),
          mode: '100644',
          type: 'blob',
          sha: content === null ? null : shas.shift()!,
        }))
        const baseTree = start ? await this.repoGit.resolve(start, 'tree') : undefined
        const tree = await this.repoGit.buildTree(baseTree, changes)
        const now = { ...SEED_AUTHOR, time: Math.floor(Date.now() / 1000), tz: '+0000' }
        const sha = await this.repoGit.commitTree({
          tree,
          parents: start ? [start] : [],
          message: opts.message ?? `seed ${Object.keys(files).join(', ')}`,
          author: now,
          committer: now,
        })
        // A test may push with plain git meanwhile: compare-and-swap, and rebuild if it moved.
        if (await this.repoGit.casRef(fullRef, sha, head ?? null)) {
          this.model.noteRef(fullRef, sha)
          this.model.touch()
          return sha
        }
      }
    })
  }

  async readFile(ref: string, path: string): Promise<string | undefined> {
    const commit = await this.model.resolveCommitish(ref)
    if (!commit) return undefined
    const entry = await this.repoGit.entryAt(commit, path.replace(/^\/+/, ''))
    if (!entry || entry.type !== 'blob') return undefined
    return (await this.repoGit.readObject('blob', entry.sha)).toString('utf8')
  }

  headSha(branch: string): Promise<string | undefined> {
    return this.repoGit.readRef(`refs/heads/${branch}`)
  }

  async commits(branch: string): Promise<FakeCommit[]> {
    const head = await this.headSha(branch)
    if (!head) return []
    return (await this.repoGit.log(head)).map((c) => ({
      sha: c.sha,
      message: c.message,
      parents: c.parents,
      author: formatIdentity(c.author),
      committer: formatIdentity(c.committer),
      verified: this.model.verification(c).verified,
    }))
  }

  changedPaths(fromSha: string, toSha: string): Promise<string[]> {
    return this.repoGit.changedPaths(fromSha, toSha)
  }

  pulls(): FakePullRequest[] {
    return this.model.pulls.map((pr) => ({
      number: pr.number,
      state: pr.state,
      title: pr.title,
      body: pr.body,
      head: pr.head,
      headSha: this.model.knownHeadSha(pr),
      base: pr.base,
      labels: [...pr.labels],
      draft: pr.draft,
      html_url: `${this.site.web}/${this.site.owner}/${this.site.repo}/pull/${pr.number}`,
      merged: pr.merged !== undefined,
      ...(pr.merged !== undefined && { mergeCommitSha: pr.merged.sha, mergedBy: pr.merged.by.login }),
      ...(pr.autoMerge !== undefined && { autoMerge: pr.autoMerge.method }),
      ...(pr.closedBy !== undefined && { closedBy: pr.closedBy.login }),
      queued: pr.queued !== undefined,
    }))
  }

  get mergeSettings(): MergeSettings {
    return this.mergeModel.settings
  }

  get merges(): readonly { number: number; sha: string; method: string; by: string; via: string; at: number }[] {
    return this.mergeModel.merges
  }

  setMergeSettings(settings: Partial<MergeSettings>): void {
    Object.assign(this.mergeModel.settings, settings)
  }

  protectBranch(branch: string, protection: BranchProtection | undefined): void {
    if (protection === undefined) this.mergeModel.protection.delete(branch)
    else this.mergeModel.protection.set(branch, protection)
    this.mergeModel.schedule()
  }

  private pull(number: number) {
    const pr = this.model.findPullByNumber(number)
    if (pr === undefined) throw new Error(`no pull request #${number}`)
    return pr
  }

  closePullRequest(number: number, by: string): void {
    const pr = this.pull(number)
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    pr.state = 'closed'
    pr.closedAt = at
    pr.updatedAt = at
    pr.closedBy = { login: by, id: 5_000_000 + by.length, type: 'User' }
    delete pr.autoMerge
  }

  pauseMergeability(): void {
    this.mergeModel.pauseMergeability()
  }

  resumeMergeability(): void {
    this.mergeModel.resumeMergeability()
  }

  approvePullRequest(number: number, approvals = 1): void {
    this.pull(number).approvals = approvals
    this.mergeModel.schedule()
  }

  disableAutoMerge(number: number): void {
    this.mergeModel.disableAutoMerge(this.pull(number))
  }

  labels(): string[] {
    return [...this.model.labels.values()].map((l) => l.name)
  }

  setStatus(sha: string, status: StatusInput): Promise<FakeCommitStatus> {
    return this.statusesModel.post(sha, status)
  }

  async mergePullByPerson(number: number, method: MergeMethod = 'merge'): Promise<string> {
    const person = { login: 'release-manager', id: 5_100_000, type: 'User' as const }
    const fail = (status: number, message: string) => new Error(`#${number} not merged (${status}): ${message}`)
    const { sha } = await this.mergeModel.merge(
      this.pull(number),
      method,
      undefined,
      undefined,
      undefined,
      person,
      'person',
      fail,
    )
    return sha
  }

  async git(args: string[], input?: string): Promise<string> {
    return this.repoGit.text(args, input === undefined ? {} : { input })
  }

  resetRequests(): void {
    this.requests.length = 0
  }

  takeValidationErrors(): string[] {
    return this.validationErrors.splice(0, this.validationErrors.length)
  }

  async close(): Promise<void> {
    this.mergeModel.close()
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
      this.server.closeAllConnections()
    })
    await this.repoGit.dispose()
  }
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p)
  } catch {
    return p
  }
}

function requestId(): string {
  const hex = randomBytes(10).toString('hex').toUpperCase()
  return `${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 14)}:${hex.slice(14, 20)}:${Math.floor(Date.now() / 1000)
    .toString(16)
    .toUpperCase()}`
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const owner = options.owner ?? 'acme'
  const repo = options.repo ?? 'gitops'
  const defaultBranch = options.defaultBranch ?? 'main'
  const token = options.token ?? `ghs_${randomBytes(18).toString('hex')}`
  const tokenUser: TokenUser = { ...GITHUB_ACTIONS_BOT, ...options.tokenUser }
  if (options.tokenUser && options.tokenUser.login !== GITHUB_ACTIONS_BOT.login) {
    tokenUser.id = options.tokenUser.id ?? 1001
    tokenUser.email = options.tokenUser.email ?? `${tokenUser.id}+${tokenUser.login}@users.noreply.github.com`
    tokenUser.type = options.tokenUser.type ?? 'User'
    tokenUser.signsCommits = options.tokenUser.signsCommits ?? false
  }
  const apiPrefix = (options.apiPrefix ?? '').replace(/\/+$/, '')
  const [validator, git] = await Promise.all([OpenApiValidator.load(), GitRepo.create(defaultBranch)])
  const site: Site = {
    api: '',
    web: (options.serverUrl ?? 'https://github.example').replace(/\/+$/, ''),
    owner,
    repo,
    defaultBranch,
    repoId: 700_000_000 + Math.floor(Math.random() * 1_000_000),
    ownerId: 90_000_000,
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  }
  const model = new RepoModel(git, site, tokenUser, options.treeEntryLimit ?? DEFAULT_TREE_ENTRY_LIMIT)
  const fake = new FakeGitHubServer(
    validator,
    git,
    model,
    site,
    token,
    apiPrefix,
    options.validateResponses ?? true,
    options.blobTextLimit ?? 512 * 1024,
    options.mergeabilityDelayMs,
  )
  if (options.latencyMs !== undefined) fake.setLatency(options.latencyMs)
  try {
    await fake.listen()
  } catch (error) {
    await git.dispose()
    throw error
  }
  return fake
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'))
  } catch {
    return undefined
  }
}
