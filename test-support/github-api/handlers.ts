// What each GitHub endpoint does, on top of a real bare repository. Requests reach these handlers
// only after the server has checked auth, the repository name and the OpenAPI schemas, so bodies
// have the documented types here; the checks below are the semantic ones GitHub makes.
import type { GitRepo, Identity, ObjectType, ParsedCommit, TreeChange } from './git.js'
import { identityFromIso, isSha } from './git.js'
import * as shape from './shapes.js'
import type { Account, LabelState, PullState, Site, Verification } from './shapes.js'
import type { MergeMethod, MergeModel } from './merges.js'

export interface Reply {
  status: number
  json?: unknown
  raw?: Buffer
  headers?: Record<string, string>
}

/** An answer GitHub gives as an error body: `{message, errors?, documentation_url, status}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** 422 `Validation Failed` with GitHub's `errors` array. */
function validationFailed(errors: Record<string, unknown>[]): ApiError {
  return new ApiError(422, 'Validation Failed', { errors })
}

export interface HandlerRequest {
  operationId: string
  params: Record<string, string>
  query: URLSearchParams
  body: unknown
  accept: string
}

/** Who the token belongs to: the author of commits sent without one, and of pull requests. */
export interface TokenUser {
  login: string
  id: number
  email: string
  type: 'User' | 'Bot'
  /** GitHub signs API commits without a hand-set author/committer for GITHUB_TOKEN and App tokens. */
  signsCommits: boolean
}

export const GITHUB_ACTIONS_BOT: TokenUser = {
  login: 'github-actions[bot]',
  id: 41898282,
  email: '41898282+github-actions[bot]@users.noreply.github.com',
  type: 'Bot',
  signsCommits: true,
}

// GitHub's web-flow identity commits and signs API-made commits for bots and apps.
const WEB_FLOW = {
  name: 'GitHub',
  email: 'noreply@github.com',
  account: { login: 'web-flow', id: 19864447, type: 'User' as const },
}

const UNSIGNED: Verification = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null,
}

/** GitHub answers recursive tree listings with at most this many entries (then `truncated`). */
export const DEFAULT_TREE_ENTRY_LIMIT = 100_000

const MODE_TYPES: Record<string, 'blob' | 'tree' | 'commit'> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit',
}

type Json = Record<string, unknown>

export class RepoModel {
  readonly pulls: PullState[] = []
  readonly labels = new Map<string, LabelState>()
  /** Commits GitHub would have signed (made with the token's own identity). */
  readonly signed = new Map<string, Verification>()
  pushedAt: string
  private nextNumber = 1
  private nextId = 1000
  private readonly locks = new Map<string, Promise<void>>()
  private readonly accounts = new Map<string, Account>()
  /** Head sha of each pull request as last seen (kept once the branch is gone). */
  private readonly lastHead = new Map<number, string>()
  private hasCommits = false
  /** Merge settings, branch protection, mergeability and the auto-merge engine (set by the server). */
  merges?: MergeModel

  constructor(
    readonly git: GitRepo,
    readonly site: Site,
    readonly tokenUser: TokenUser,
    private readonly treeEntryLimit: number,
  ) {
    this.pushedAt = site.createdAt
    this.accounts.set(tokenUser.email.toLowerCase(), { login: tokenUser.login, id: tokenUser.id, type: tokenUser.type })
    this.accounts.set(WEB_FLOW.email, WEB_FLOW.account)
  }

  /** Serialises work on one key (a ref, the pull list) inside this process; git's CAS guards the rest. */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve()
    let release!: () => void
    const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)))
    this.locks.set(key, mine)
    await previous
    try {
      return await fn()
    } finally {
      release()
      if (this.locks.get(key) === mine) this.locks.delete(key)
    }
  }

  verification(commit: ParsedCommit): Verification {
    const signed = this.signed.get(commit.sha)
    if (signed) return signed
    if (commit.gpgsig)
      return { verified: false, reason: 'unknown_key', signature: commit.gpgsig, payload: null, verified_at: null }
    return UNSIGNED
  }

  touch(): void {
    this.pushedAt = now()
  }

  /** Keeps pull requests' head shas current when a branch moves through the API or seed(). */
  noteRef(fullRef: string, sha: string | undefined): void {
    if (!fullRef.startsWith('refs/heads/')) return
    const name = fullRef.slice('refs/heads/'.length)
    for (const pr of this.pulls) if (pr.head === name && sha) this.lastHead.set(pr.number, sha)
    // A moved head or base changes what the auto-merge engine may do.
    this.merges?.schedule()
  }

  /** The token's user as an account. */
  get tokenAccount(): Account {
    return { login: this.tokenUser.login, id: this.tokenUser.id, type: this.tokenUser.type }
  }

  /** Name and e-mail GitHub writes for an account (the token's own, else the noreply address). */
  identityOf(account: Account): { name: string; email: string } {
    if (account.login === this.tokenUser.login) return { name: this.tokenUser.login, email: this.tokenUser.email }
    return { name: account.login, email: `${account.id}+${account.login}@users.noreply.github.com` }
  }

  /** Last known head sha of a pull request, without asking git. */
  knownHeadSha(pr: PullState): string {
    return this.lastHead.get(pr.number) ?? ''
  }

  async handle(req: HandlerRequest): Promise<Reply> {
    // GitHub answers the Git Data API of a repository without commits this way.
    if (req.operationId.startsWith('git/') && !this.hasCommits) {
      this.hasCommits = (await this.git.listRefs('refs/')).length > 0
      if (!this.hasCommits) throw new ApiError(409, 'Git Repository is empty.')
    }
    switch (req.operationId) {
      case 'repos/get':
        return { status: 200, json: shape.repository(this.site, this.pushedAt) }
      case 'repos/get-branch':
        return this.getBranch(req.params.branch)
      case 'repos/list-commits':
        return this.listCommits(req.query)
      case 'repos/get-content':
        return this.getContent(req)
      case 'git/create-ref':
        return this.createRef(req.body as { ref: string; sha: string })
      case 'git/update-ref':
        return this.updateRef(req.params.ref, req.body as { sha: string; force?: boolean })
      case 'git/get-commit':
        return this.getCommit(req.params.commit_sha)
      case 'git/create-commit':
        return this.createCommit(req.body as CreateCommitBody)
      case 'git/get-tree':
        return this.getTree(req.params.tree_sha, req.query.has('recursive'))
      case 'git/create-tree':
        return this.createTree(req.body as CreateTreeBody)
      case 'pulls/list':
        return this.listPulls(req.query)
      case 'pulls/create':
        return this.createPull(req.body as CreatePullBody)
      case 'pulls/get':
        return { status: 200, json: await this.pullJson(this.findPull(req.params.pull_number)) }
      case 'pulls/update':
        return this.updatePull(req.params.pull_number, req.body as UpdatePullBody)
      case 'pulls/merge':
        return this.mergePull(req.params.pull_number, req.body as MergePullBody)
      case 'issues/get': {
        const pr = this.findPull(req.params.issue_number)
        return { status: 200, json: shape.issueOfPull(this.site, pr, this.prLabels(pr)) }
      }
      case 'issues/add-labels':
        return this.addLabels(req.params.issue_number, req.body)
      default:
        throw new ApiError(404, 'Not Found')
    }
  }

  /** GET /repos/{owner}/{repo}/commits: `sha` (a branch or commit), `path` and `per_page`; the first page only. */
  private async listCommits(query: URLSearchParams): Promise<Reply> {
    const rev = query.get('sha') || `refs/heads/${this.site.defaultBranch}`
    const perPage = Math.max(1, Math.min(100, Number(query.get('per_page') ?? 30) || 30))
    const commits = await this.git.logPath(rev, query.get('path') ?? undefined, perPage)
    if (commits === undefined) throw new ApiError(404, `No commit found for SHA: ${rev}`)
    const json = commits.map((commit) => shape.repoCommit(this.site, commit, this.verification(commit), this.accounts))
    return { status: 200, json }
  }

  // ---- branches and refs -------------------------------------------------------------------

  private async getBranch(name: string): Promise<Reply> {
    const sha = await this.git.readRef(`refs/heads/${name}`)
    if (!sha) throw new ApiError(404, 'Branch not found')
    const commit = await this.git.parseCommit(sha)
    const rule = this.merges?.protection.get(name)
    const json = shape.branch(
      this.site,
      name,
      shape.repoCommit(this.site, commit, this.verification(commit), this.accounts),
      rule === undefined ? undefined : (rule.requiredStatusChecks ?? []),
    )
    return { status: 200, json }
  }

  private async refJson(fullRef: string, sha: string): Promise<Json> {
    return shape.gitRef(this.site, fullRef, sha, (await this.git.objectType(sha)) ?? 'commit')
  }

  private async checkTarget(fullRef: string, sha: string): Promise<void> {
    const type = await this.git.objectType(sha)
    if (!type) throw new ApiError(422, 'Object does not exist')
    if (fullRef.startsWith('refs/heads/') && type !== 'commit') throw new ApiError(422, 'Object is not a commit')
  }

  private async createRef(body: { ref: string; sha: string }): Promise<Reply> {
    const fullRef = body.ref
    if (!fullRef.startsWith('refs/') || fullRef.split('/').length < 3) {
      throw new ApiError(422, 'Reference name must contain at least three slash-separated components.')
    }
    if (!(await this.git.isValidRefName(fullRef))) throw new ApiError(422, `${fullRef} is not a valid ref name.`)
    await this.checkTarget(fullRef, body.sha)
    return this.withLock(fullRef, async () => {
      if (await this.git.readRef(fullRef)) throw new ApiError(422, 'Reference already exists')
      // Fails also when the name clashes with an existing ref as a directory (foo vs foo/bar).
      if (!(await this.git.casRef(fullRef, body.sha, null))) {
        if (await this.git.readRef(fullRef)) throw new ApiError(422, 'Reference already exists')
        throw new ApiError(422, 'Reference update failed')
      }
      this.noteRef(fullRef, body.sha)
      this.touch()
      const json = await this.refJson(fullRef, body.sha)
      return { status: 201, json, headers: { location: String(json.url) } }
    })
  }

  /** Compare-and-swap ref update; without `force` only fast-forwards. Safe under concurrency. */
  async updateRef(ref: string, body: { sha: string; force?: boolean }): Promise<Reply> {
    const fullRef = `refs/${ref}`
    const refusal = ref.startsWith('heads/') ? this.merges?.directWriteRefusal(ref.slice('heads/'.length)) : undefined
    if (refusal !== undefined) throw new ApiError(422, refusal.rest)
    return this.withLock(fullRef, async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const current = await this.git.readRef(fullRef)
        if (!current) throw new ApiError(422, 'Reference does not exist')
        await this.checkTarget(fullRef, body.sha)
        if (current !== body.sha) {
          if (!body.force && !(await this.isFastForward(current, body.sha))) {
            throw new ApiError(422, 'Update is not a fast forward')
          }
          // Another writer outside this process (a test pushing with git) may have moved the ref
          // between the read and here: update-ref's old-value check catches that; then look again.
          if (!(await this.git.casRef(fullRef, body.sha, current))) continue
          this.noteRef(fullRef, body.sha)
          this.touch()
        }
        return { status: 200, json: await this.refJson(fullRef, body.sha) }
      }
      throw new ApiError(409, 'Reference update failed: too much contention')
    })
  }

  private async isFastForward(from: string, to: string): Promise<boolean> {
    if ((await this.git.objectType(from)) !== 'commit' || (await this.git.objectType(to)) !== 'commit') return false
    return this.git.isAncestor(from, to)
  }

  // ---- commits -----------------------------------------------------------------------------

  private async getCommit(sha: string): Promise<Reply> {
    if ((await this.git.objectType(sha)) !== 'commit') throw new ApiError(404, 'Not Found')
    const commit = await this.git.parseCommit(sha)
    return { status: 200, json: shape.gitCommit(this.site, commit, this.verification(commit)) }
  }

  private tokenIdentity(at: Date): Identity {
    return identityFromIso({ name: this.tokenUser.login, email: this.tokenUser.email }, at)
  }

  private async createCommit(body: CreateCommitBody): Promise<Reply> {
    if ((await this.git.objectType(body.tree)) !== 'tree') throw new ApiError(422, 'Tree SHA does not exist')
    const parents = body.parents ?? []
    for (const parent of parents) {
      if ((await this.git.objectType(parent)) !== 'commit') {
        throw new ApiError(422, 'Parent SHA does not exist or is not a commit object')
      }
    }
    const at = new Date()
    const author = body.author ? identityFromIso(body.author, at) : this.tokenIdentity(at)
    // GitHub: the committer defaults to the author; with neither given, web-flow commits and signs.
    const handSet = body.author !== undefined || body.committer !== undefined
    const signs = !handSet && this.tokenUser.signsCommits && body.signature === undefined
    const committer = body.committer
      ? identityFromIso(body.committer, at)
      : body.author
        ? author
        : signs
          ? identityFromIso({ name: WEB_FLOW.name, email: WEB_FLOW.email }, at)
          : author
    const sha = await this.git.commitTree({
      tree: body.tree,
      parents,
      message: body.message,
      author,
      committer,
      ...(body.signature !== undefined ? { signature: body.signature } : {}),
    })
    if (signs) {
      const payload = (await this.git.readObject('commit', sha)).toString('utf8')
      this.signed.set(sha, {
        verified: true,
        reason: 'valid',
        signature: '-----BEGIN PGP SIGNATURE-----\n\nfake-github web-flow signature\n-----END PGP SIGNATURE-----\n',
        payload,
        verified_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      })
    }
    const commit = await this.git.parseCommit(sha)
    const json = shape.gitCommit(this.site, commit, this.verification(commit))
    return { status: 201, json, headers: { location: String(json.url) } }
  }

  // ---- trees -------------------------------------------------------------------------------

  private async getTree(treeish: string, recursive: boolean): Promise<Reply> {
    const sha = await this.git.resolve(treeish, 'tree')
    if (!sha) throw new ApiError(404, 'Not Found')
    let entries = await this.git.listTree(sha, { recursive })
    const truncated = entries.length > this.treeEntryLimit
    if (truncated) entries = entries.slice(0, this.treeEntryLimit)
    return { status: 200, json: shape.tree(this.site, sha, entries, truncated) }
  }

  private async createTree(body: CreateTreeBody): Promise<Reply> {
    if (body.base_tree !== undefined && (await this.git.objectType(body.base_tree)) !== 'tree') {
      throw new ApiError(422, 'base_tree is not a valid tree oid')
    }
    const changes: TreeChange[] = []
    for (const entry of body.tree) changes.push(await this.treeChange(entry))
    // Inline contents become blobs in one batch.
    const inline = body.tree.flatMap((entry, i) => (entry.content !== undefined ? [i] : []))
    const shas = await this.git.writeBlobs(inline.map((i) => body.tree[i].content!))
    inline.forEach((i, n) => (changes[i].sha = shas[n]!))
    let sha: string
    try {
      sha = await this.git.buildTree(body.base_tree, changes)
    } catch {
      throw new ApiError(422, 'GitRPC::BadObjectState')
    }
    const entries = await this.git.listTree(sha)
    const json = shape.tree(this.site, sha, entries, false)
    return { status: 201, json, headers: { location: String(json.url) } }
  }

  private async treeChange(entry: CreateTreeBody['tree'][number]): Promise<TreeChange> {
    const p = entry.path ?? ''
    if (
      p === '' ||
      p.split('/').some((seg) => seg === '' || seg === '.' || seg === '..' || seg.toLowerCase() === '.git')
    ) {
      throw new ApiError(422, `tree.path ${JSON.stringify(p)} contains a malformed path component`)
    }
    if (entry.mode === undefined) throw new ApiError(422, `Must supply a valid tree.mode for ${p}`)
    const type = MODE_TYPES[entry.mode]
    if (entry.type !== undefined && entry.type !== type) {
      throw new ApiError(422, `tree.type ${entry.type} does not match tree.mode ${entry.mode} for ${p}`)
    }
    const hasSha = entry.sha !== undefined
    if (hasSha && entry.content !== undefined) {
      throw new ApiError(
        422,
        'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
      )
    }
    if (entry.sha === null) return { path: p, mode: entry.mode, type, sha: null }
    if (entry.content !== undefined) {
      if (type !== 'blob') throw new ApiError(422, `tree.content is only allowed for blobs (${p})`)
      // The blob is written in a batch by the caller.
      return { path: p, mode: entry.mode, type, sha: '' }
    }
    if (!hasSha) throw new ApiError(422, `Must supply either tree.sha or tree.content for ${p}`)
    const sha = entry.sha!
    // Submodule entries point into other repositories; anything else must exist here.
    if (type !== 'commit' && (await this.git.objectType(sha)) !== type) {
      throw new ApiError(422, `tree.sha ${sha} is not a valid ${type}`)
    }
    if (type === 'commit' && !isSha(sha)) throw new ApiError(422, `tree.sha ${sha} is not a valid commit`)
    return { path: p, mode: entry.mode, type, sha }
  }

  // ---- contents ----------------------------------------------------------------------------

  /** A branch, tag or commit sha, as the `ref` query parameter takes them. */
  async resolveCommitish(ref: string): Promise<string | undefined> {
    for (const candidate of [`refs/heads/${ref}`, `refs/tags/${ref}`, ref]) {
      if (candidate === ref && !isSha(ref) && !ref.startsWith('refs/')) continue
      const sha = await this.git.resolve(candidate, 'commit')
      if (sha) return sha
    }
    return undefined
  }

  private async getContent(req: HandlerRequest): Promise<Reply> {
    const filePath = req.params.path.replace(/^\/+|\/+$/g, '')
    const ref = req.query.get('ref') ?? this.site.defaultBranch
    const commit = await this.resolveCommitish(ref)
    if (!commit) {
      if (!req.query.has('ref') && !(await this.git.readRef(`refs/heads/${ref}`))) {
        throw new ApiError(404, 'This repository is empty.')
      }
      throw new ApiError(404, `No commit found for the ref ${ref}`)
    }
    const entry = filePath === '' ? undefined : await this.git.entryAt(commit, filePath)
    if (!entry) throw new ApiError(404, 'Not Found')
    if (entry.type === 'tree') {
      const children = await this.git.listTree(`${commit}:${filePath}`)
      const json = children.map((child) => shape.contentEntry(this.site, ref, `${filePath}/${child.path}`, child))
      return { status: 200, json }
    }
    if (entry.type === 'commit') {
      return { status: 200, json: { ...shape.contentEntry(this.site, ref, filePath, entry), submodule_git_url: '' } }
    }
    const content = await this.git.readObject('blob', entry.sha)
    if (wantsRaw(req.accept)) return rawReply(content)
    if (entry.mode === '120000') {
      return { status: 200, json: shape.contentSymlink(this.site, ref, filePath, entry, content.toString('utf8')) }
    }
    return { status: 200, json: shape.contentFile(this.site, ref, filePath, entry, content) }
  }

  // ---- pull requests -----------------------------------------------------------------------

  private findPull(number: string): PullState {
    const pr = this.pulls.find((p) => String(p.number) === number)
    if (!pr) throw new ApiError(404, 'Not Found')
    return pr
  }

  async headSha(pr: PullState): Promise<string> {
    const sha = await this.git.readRef(`refs/heads/${pr.head}`)
    if (sha) this.lastHead.set(pr.number, sha)
    return sha ?? this.lastHead.get(pr.number) ?? ''
  }

  private prLabels(pr: PullState): LabelState[] {
    return pr.labels.map((name) => this.labels.get(name.toLowerCase())!).filter(Boolean)
  }

  private async pullContext(pr: PullState) {
    const headSha = await this.headSha(pr)
    const baseSha = (await this.git.readRef(`refs/heads/${pr.base}`)) ?? ''
    return { headSha, baseSha, labels: this.prLabels(pr), pushedAt: this.pushedAt }
  }

  async pullJson(pr: PullState): Promise<Json> {
    const ctx = await this.pullContext(pr)
    let commits = 0
    let changedFiles = 0
    if (ctx.headSha && ctx.baseSha) {
      commits = Number(await this.git.text(['rev-list', '--count', `${ctx.baseSha}..${ctx.headSha}`]))
      const mergeBase = await this.git.run(['merge-base', ctx.baseSha, ctx.headSha])
      if (mergeBase.code === 0) {
        changedFiles = (await this.git.changedPaths(mergeBase.stdout.toString('utf8').trim(), ctx.headSha)).length
      }
    }
    const merge =
      this.merges === undefined
        ? { mergeable: true, rebaseable: true, state: 'clean' }
        : this.merges.mergeState(pr, ctx.headSha, ctx.baseSha)
    return shape.pullRequest(this.site, pr, {
      ...ctx,
      commits,
      changedFiles,
      mergeable: merge.mergeable,
      rebaseable: merge.rebaseable,
      mergeableState: merge.state,
    })
  }

  findPullByNumber(number: number): PullState | undefined {
    return this.pulls.find((p) => p.number === number)
  }

  private async mergePull(number: string, body: MergePullBody): Promise<Reply> {
    const pr = this.findPull(number)
    if (this.merges === undefined) throw new ApiError(405, 'Pull Request is not mergeable')
    const { sha } = await this.merges.mergeRest(pr, body, this.tokenAccount)
    return { status: 200, json: { sha, merged: true, message: 'Pull Request successfully merged' } }
  }

  private async listPulls(query: URLSearchParams): Promise<Reply> {
    const state = query.get('state') ?? 'open'
    let list = this.pulls.filter((p) => state === 'all' || p.state === state)
    const head = query.get('head')
    // GitHub ignores a head filter without the OWNER: prefix (and returns every pull request).
    if (head?.includes(':')) {
      const [owner, ...rest] = head.split(':')
      const branchName = rest.join(':')
      list = list.filter((p) => owner.toLowerCase() === this.site.owner.toLowerCase() && p.head === branchName)
    }
    const base = query.get('base')
    if (base !== null) list = list.filter((p) => p.base === base)
    const sort = query.get('sort') ?? 'created'
    const direction = query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc')
    const key = (p: PullState) => (sort === 'updated' ? p.updatedAt : p.createdAt) + String(p.number).padStart(9, '0')
    list = [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1))
    if (direction === 'desc') list.reverse()
    const { items, link } = paginate(list, query, `${this.site.api}/repos/${this.site.owner}/${this.site.repo}/pulls`)
    const json = []
    for (const pr of items) json.push(shape.pullRequestSimple(this.site, pr, await this.pullContext(pr)))
    return { status: 200, json, headers: link ? { link } : {} }
  }

  private parseHead(head: string): string | undefined {
    if (!head.includes(':')) return head
    const [owner, ...rest] = head.split(':')
    return owner.toLowerCase() === this.site.owner.toLowerCase() ? rest.join(':') : undefined
  }

  private async createPull(body: CreatePullBody): Promise<Reply> {
    if (body.title === undefined && body.issue === undefined) {
      throw validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }])
    }
    if (body.issue !== undefined) throw validationFailed([{ resource: 'PullRequest', field: 'issue', code: 'invalid' }])
    return this.withLock('pulls', async () => {
      const headBranch = this.parseHead(body.head)
      const headSha = headBranch === undefined ? undefined : await this.git.readRef(`refs/heads/${headBranch}`)
      if (!headSha || headBranch === undefined)
        throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }])
      const baseSha = await this.git.readRef(`refs/heads/${body.base}`)
      if (!baseSha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
      if (this.pulls.some((p) => p.state === 'open' && p.head === headBranch && p.base === body.base)) {
        throw validationFailed([
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${this.site.owner}:${headBranch}.`,
          },
        ])
      }
      if (await this.git.isAncestor(headSha, baseSha)) {
        throw validationFailed([
          { resource: 'PullRequest', code: 'custom', message: `No commits between ${body.base} and ${body.head}` },
        ])
      }
      const at = now()
      const pr: PullState = {
        number: this.nextNumber++,
        id: this.nextId++,
        state: 'open',
        title: body.title!,
        body: body.body ?? null,
        head: headBranch,
        base: body.base,
        draft: body.draft ?? false,
        maintainerCanModify: body.maintainer_can_modify ?? true,
        labels: [],
        user: { login: this.tokenUser.login, id: this.tokenUser.id, type: this.tokenUser.type },
        createdAt: at,
        updatedAt: at,
        closedAt: null,
      }
      this.pulls.push(pr)
      this.lastHead.set(pr.number, headSha)
      const json = await this.pullJson(pr)
      return { status: 201, json, headers: { location: String(json.url) } }
    })
  }

  private async updatePull(number: string, body: UpdatePullBody): Promise<Reply> {
    return this.withLock('pulls', async () => {
      const pr = this.findPull(number)
      if (body.base !== undefined && !(await this.git.readRef(`refs/heads/${body.base}`))) {
        throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }])
      }
      const base = body.base ?? pr.base
      if (body.state === 'open' && pr.state === 'closed') {
        if (this.pulls.some((p) => p !== pr && p.state === 'open' && p.head === pr.head && p.base === base)) {
          throw validationFailed([
            {
              resource: 'PullRequest',
              code: 'custom',
              message: `A pull request already exists for ${this.site.owner}:${pr.head}.`,
            },
          ])
        }
      }
      if (body.title !== undefined) pr.title = body.title
      if (body.body !== undefined) pr.body = body.body
      if (body.maintainer_can_modify !== undefined) pr.maintainerCanModify = body.maintainer_can_modify
      pr.base = base
      if (body.state !== undefined && body.state !== pr.state) {
        if (pr.merged !== undefined)
          throw validationFailed([
            { resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' },
          ])
        pr.state = body.state
        pr.closedAt = body.state === 'closed' ? now() : null
        if (body.state === 'closed') pr.closedBy = this.tokenAccount
        else delete pr.closedBy
      }
      pr.updatedAt = now()
      return { status: 200, json: await this.pullJson(pr) }
    })
  }

  // ---- labels ------------------------------------------------------------------------------

  private addLabels(number: string, body: unknown): Reply {
    const pr = this.findPull(number)
    const requested = ((body as { labels?: unknown[] } | undefined)?.labels ?? []).map((l) =>
      typeof l === 'string' ? l : String((l as { name: string }).name),
    )
    const names = [...pr.labels]
    for (const name of requested) {
      let existing = this.labels.get(name.toLowerCase())
      if (!existing) {
        existing = { id: this.nextId++, name, color: 'ededed', description: null }
        this.labels.set(name.toLowerCase(), existing)
      }
      if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(existing.name)
    }
    pr.labels = names
    pr.updatedAt = now()
    return { status: 200, json: this.prLabels(pr).map((l) => shape.label(this.site, l)) }
  }
}

interface CreateCommitBody {
  message: string
  tree: string
  parents?: string[]
  author?: { name: string; email: string; date?: string }
  committer?: { name: string; email: string; date?: string }
  signature?: string
}

interface CreateTreeBody {
  base_tree?: string
  tree: { path?: string; mode?: string; type?: ObjectType; sha?: string | null; content?: string }[]
}

interface CreatePullBody {
  title?: string
  head: string
  base: string
  body?: string
  draft?: boolean
  maintainer_can_modify?: boolean
  issue?: number
}

interface MergePullBody {
  sha?: string
  merge_method?: MergeMethod
  commit_title?: string
  commit_message?: string
}

interface UpdatePullBody {
  title?: string
  body?: string
  state?: 'open' | 'closed'
  base?: string
  maintainer_can_modify?: boolean
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** Accept: application/vnd.github.raw (also .v3.raw and raw+json) asks for the bytes themselves. */
export function wantsRaw(accept: string): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/i.test(accept)
}

function rawReply(content: Buffer): Reply {
  // GitHub labels raw contents text/plain; charset=utf-8 (Octokit then hands out a string).
  return { status: 200, raw: content, headers: { 'content-type': 'text/plain; charset=utf-8' } }
}

function paginate<T>(list: T[], query: URLSearchParams, url: string): { items: T[]; link?: string } {
  const perPage = Math.min(Math.max(Number(query.get('per_page') ?? 30) || 30, 1), 100)
  const page = Math.max(Number(query.get('page') ?? 1) || 1, 1)
  const last = Math.max(Math.ceil(list.length / perPage), 1)
  const items = list.slice((page - 1) * perPage, page * perPage)
  if (last === 1) return { items }
  const at = (n: number) => {
    const q = new URLSearchParams(query)
    q.set('per_page', String(perPage))
    q.set('page', String(n))
    return `<${url}?${q.toString()}>`
  }
  const links: string[] = []
  if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`)
  if (page > 1) links.push(`${at(1)}; rel="first"`, `${at(page - 1)}; rel="prev"`)
  return { items, link: links.join(', ') }
}
