// Merging pull requests in the GitHub stand-in, as GitHub does it: repository merge settings,
// branch protection with required status checks (read from the commit statuses of the head),
// mergeability computed in the background (`mergeable: null` until a job ran), `PUT …/merge` with
// its 405/409 answers, auto-merge that an engine carries out once the requirements are met, a merge
// queue, and merges that really create merge, squash or rebased commits in the bare repository.
import type { GitRepo, Identity } from './git.js'
import { identityFromIso } from './git.js'
import { ApiError, type RepoModel } from './handlers.js'
import type { Account, PullState } from './shapes.js'

export type MergeMethod = 'merge' | 'squash' | 'rebase'

/** The repository's merge settings (GitHub's defaults: all three methods, no auto-merge). */
export interface MergeSettings {
  allowMergeCommit: boolean
  allowSquashMerge: boolean
  allowRebaseMerge: boolean
  allowAutoMerge: boolean
}

/** Branch protection (or an equivalent ruleset) of one branch. */
export interface BranchProtection {
  /** Status contexts that must be `success` on the head before a merge. */
  requiredStatusChecks?: string[]
  /** Require the head to be up to date with the base (`strict`). */
  strict?: boolean
  /** Approving reviews required (0: none). */
  requiredApprovingReviews?: number
  /** Changes must be made through a pull request (implied by required reviews). */
  requirePullRequest?: boolean
  /** Merges go through a merge queue that merges with this method. */
  mergeQueue?: { method: MergeMethod }
}

/** The latest status of one context on a commit, as the commit-status store says. */
export interface StatusView {
  context: string
  state: 'error' | 'failure' | 'pending' | 'success'
  description: string | null
  target_url: string | null
}

/** Reads the latest status of each context on a commit (the stand-in's commit-status store). */
export type StatusSource = (sha: string) => StatusView[]

export interface MergeOptions {
  /** How long GitHub's background mergeability job takes (default 200 ms). */
  mergeabilityDelayMs?: number
}

interface Computed {
  key: string
  conflict: boolean
  /** Whether the head contains the base head (up to date). */
  upToDate: boolean
}

/** What GitHub reports about whether a pull request can be merged now. */
export interface MergeState {
  mergeable: boolean | null
  rebaseable: boolean | null
  /** clean, unstable, blocked, behind, dirty, draft, unknown */
  state: string
  /** Why it cannot be merged, in GitHub's words (405 body). */
  refusal?: string
}

const WEB_FLOW = { name: 'GitHub', email: 'noreply@github.com' }
const SIGNATURE = '-----BEGIN PGP SIGNATURE-----\n\nfake-github web-flow signature\n-----END PGP SIGNATURE-----\n'
const METHOD_SETTING: Record<MergeMethod, keyof MergeSettings> = {
  merge: 'allowMergeCommit',
  squash: 'allowSquashMerge',
  rebase: 'allowRebaseMerge',
}
const METHOD_REFUSAL: Record<MergeMethod, string> = {
  merge: 'Merge commits are not allowed on this repository.',
  squash: 'Squash merges are not allowed on this repository.',
  rebase: 'Rebase merges are not allowed on this repository.',
}

export class MergeModel {
  readonly settings: MergeSettings = {
    allowMergeCommit: true,
    allowSquashMerge: true,
    allowRebaseMerge: true,
    allowAutoMerge: false,
  }
  readonly protection = new Map<string, BranchProtection>()
  /** Every merge the stand-in made, in order (the engine's included). */
  readonly merges: { number: number; sha: string; method: MergeMethod; by: string; via: string; at: number }[] = []
  private readonly computed = new Map<number, Computed>()
  private readonly computing = new Map<number, Promise<void>>()
  private engineScheduled = false
  /** While set, background mergeability jobs wait for it (a test control: `pauseMergeability`). */
  private paused: { promise: Promise<void>; resume: () => void } | undefined
  private nextQueueId = 1
  private closed = false

  constructor(
    private readonly model: RepoModel,
    private readonly statuses: StatusSource,
    private readonly options: MergeOptions = {},
  ) {}

  private get git(): GitRepo {
    return this.model.git
  }

  close(): void {
    this.closed = true
    this.resumeMergeability()
  }

  /** Holds every background mergeability job until `resumeMergeability` (tests see `mergeable: null` for sure). */
  pauseMergeability(): void {
    if (this.paused !== undefined) return
    let resume!: () => void
    const promise = new Promise<void>((resolve) => (resume = resolve))
    this.paused = { promise, resume }
  }

  resumeMergeability(): void {
    this.paused?.resume()
    this.paused = undefined
  }

  /** The latest status of each context on `sha`. */
  statusesOf(sha: string): StatusView[] {
    return this.statuses(sha)
  }

  // ---- protection -----------------------------------------------------------------------------

  /** GitHub's refusal of a direct write (ref update, createCommitOnBranch) to a protected branch, if any. */
  directWriteRefusal(branch: string): { rest: string; graphql: string } | undefined {
    const rule = this.protection.get(branch)
    if (rule === undefined) return undefined
    const reviews = rule.requiredApprovingReviews ?? 0
    const checks = rule.requiredStatusChecks ?? []
    if (rule.requirePullRequest || reviews > 0 || rule.mergeQueue !== undefined) {
      const reason =
        reviews > 0
          ? `At least ${reviews} approving review${reviews === 1 ? ' is' : 's are'} required by reviewers with write access.`
          : 'Changes must be made through a pull request.'
      return {
        rest: `Protected branch update failed for refs/heads/${branch}.`,
        graphql: `protected branch '${branch}' check failed:\n  ${reason}`,
      }
    }
    if (checks.length > 0) {
      const reason = `${checks.length} of ${checks.length} required status check${checks.length === 1 ? ' is' : 's are'} expected.`
      return {
        rest: `Protected branch update failed for refs/heads/${branch}.`,
        graphql: `protected branch '${branch}' check failed:\n  ${reason}`,
      }
    }
    return undefined
  }

  // ---- mergeability ---------------------------------------------------------------------------

  /**
   * What GitHub reports now. The first read after the head or base moved answers `mergeable: null`
   * and starts the background job, as GitHub does; the job's result shows from then on.
   */
  mergeState(pr: PullState, headSha: string, baseSha: string): MergeState {
    if (pr.state === 'closed') return { mergeable: null, rebaseable: null, state: 'unknown' }
    const key = `${headSha}:${baseSha}`
    const computed = this.computed.get(pr.number)
    if (computed?.key !== key) {
      this.startComputing(pr, headSha, baseSha)
      return { mergeable: null, rebaseable: null, state: 'unknown' }
    }
    return this.stateOf(pr, headSha, computed)
  }

  /** As GitHub decides when asked to merge now: computed on the spot. */
  private async mergeStateNow(pr: PullState): Promise<MergeState & { headSha: string; baseSha: string }> {
    const headSha = await this.model.headSha(pr)
    const baseSha = (await this.git.readRef(`refs/heads/${pr.base}`)) ?? ''
    const computed = await this.compute(headSha, baseSha)
    this.computed.set(pr.number, computed)
    return { ...this.stateOf(pr, headSha, computed), headSha, baseSha }
  }

  private stateOf(pr: PullState, headSha: string, computed: Computed): MergeState {
    if (computed.conflict)
      return { mergeable: false, rebaseable: false, state: 'dirty', refusal: 'Pull Request is not mergeable' }
    if (pr.draft) return { mergeable: true, rebaseable: true, state: 'draft', refusal: 'Pull Request is still a draft' }
    const rule = this.protection.get(pr.base) ?? {}
    const latest = new Map(this.statuses(headSha).map((s) => [s.context, s]))
    for (const context of rule.requiredStatusChecks ?? []) {
      const status = latest.get(context)
      if (status?.state !== 'success') {
        const how = status === undefined || status.state === 'pending' ? 'expected' : 'failing'
        return {
          mergeable: true,
          rebaseable: true,
          state: 'blocked',
          refusal: `Required status check "${context}" is ${how}.`,
        }
      }
    }
    const reviews = rule.requiredApprovingReviews ?? 0
    if ((pr.approvals ?? 0) < reviews) {
      return {
        mergeable: true,
        rebaseable: true,
        state: 'blocked',
        refusal: `At least ${reviews} approving review${reviews === 1 ? ' is' : 's are'} required by reviewers with write access.`,
      }
    }
    if (rule.strict && !computed.upToDate) {
      return {
        mergeable: true,
        rebaseable: true,
        state: 'behind',
        refusal: 'Head branch is not up to date with the base branch',
      }
    }
    const unstable = [...latest.values()].some((s) => s.state !== 'success')
    return { mergeable: true, rebaseable: true, state: unstable ? 'unstable' : 'clean' }
  }

  private startComputing(pr: PullState, headSha: string, baseSha: string): void {
    if (this.computing.has(pr.number)) return
    const job = (async () => {
      await sleep(this.options.mergeabilityDelayMs ?? 200)
      await this.paused?.promise
      if (this.closed) return
      this.computed.set(pr.number, await this.compute(headSha, baseSha))
    })()
      .catch(() => undefined)
      .finally(() => {
        this.computing.delete(pr.number)
        this.schedule()
      })
    this.computing.set(pr.number, job)
  }

  private async compute(headSha: string, baseSha: string): Promise<Computed> {
    const key = `${headSha}:${baseSha}`
    if (!headSha || !baseSha) return { key, conflict: true, upToDate: false }
    const result = await this.git.run(['merge-tree', '--write-tree', '--no-messages', baseSha, headSha])
    return { key, conflict: result.code !== 0, upToDate: await this.git.isAncestor(baseSha, headSha) }
  }

  // ---- merging --------------------------------------------------------------------------------

  /** PUT /pulls/{n}/merge. */
  async mergeRest(
    pr: PullState,
    body: { sha?: string; merge_method?: MergeMethod; commit_title?: string; commit_message?: string },
    by: Account,
  ): Promise<{ sha: string }> {
    body ??= {}
    const method = body.merge_method ?? 'merge'
    const fail = (status: number, message: string) => new ApiError(status, message)
    const result = await this.merge(pr, method, body.sha, body.commit_title, body.commit_message, by, 'rest', fail)
    return result
  }

  /** The checks GitHub makes before a merge, then the merge itself; `fail` builds the error of the API used. */
  async merge(
    pr: PullState,
    method: MergeMethod,
    expectedHead: string | undefined,
    title: string | undefined,
    message: string | undefined,
    by: Account,
    via: string,
    fail: (status: number, message: string) => Error,
  ): Promise<{ sha: string }> {
    return this.model.withLock(`refs/heads/${pr.base}`, async () => {
      if (pr.state !== 'open') throw fail(405, 'Pull Request is not mergeable')
      if (!this.settings[METHOD_SETTING[method]]) throw fail(405, METHOD_REFUSAL[method])
      const now = await this.mergeStateNow(pr)
      if (expectedHead !== undefined && expectedHead !== now.headSha) {
        throw fail(409, 'Head branch was modified. Review and try the merge again.')
      }
      if (via !== 'queue' && this.protection.get(pr.base)?.mergeQueue !== undefined) {
        throw fail(405, `Changes must be made through the merge queue`)
      }
      if (now.refusal !== undefined) throw fail(405, now.refusal)
      const sha = await this.writeMerge(pr, method, now.headSha, now.baseSha, title, message, by)
      if (!(await this.git.casRef(`refs/heads/${pr.base}`, sha, now.baseSha))) {
        throw fail(409, 'Base branch was modified. Review and try the merge again.')
      }
      this.model.noteRef(`refs/heads/${pr.base}`, sha)
      this.model.touch()
      const at = timestamp()
      pr.merged = { sha, at, by, method }
      pr.state = 'closed'
      pr.closedAt = at
      pr.updatedAt = at
      delete pr.autoMerge
      delete pr.queued
      this.merges.push({ number: pr.number, sha, method, by: by.login, via, at: Date.now() })
      return { sha }
    })
  }

  private async writeMerge(
    pr: PullState,
    method: MergeMethod,
    headSha: string,
    baseSha: string,
    title: string | undefined,
    message: string | undefined,
    by: Account,
  ): Promise<string> {
    const at = new Date()
    const committer = identityFromIso(WEB_FLOW, at)
    const merger = identityFromIso(this.model.identityOf(by), at)
    if (method === 'rebase') {
      // Each commit of the pull request replayed onto the base, authors kept, committed by GitHub.
      const base = (await this.git.text(['merge-base', baseSha, headSha])).trim()
      const list = (await this.git.text(['rev-list', '--reverse', '--no-merges', `${base}..${headSha}`]))
        .split('\n')
        .filter(Boolean)
      let tip = baseSha
      for (const sha of list) {
        const commit = await this.git.parseCommit(sha)
        const tree = await this.git.threeWayTree(commit.parents[0] ?? base, tip, sha)
        if (tree === undefined) throw new ApiError(405, "This branch can't be rebased")
        tip = await this.signed({ tree, parents: [tip], message: commit.message, author: commit.author, committer })
      }
      return tip
    }
    const tree = await this.mergeTree(baseSha, headSha)
    if (method === 'squash') {
      // GitHub's default squash message: the title with the number, then the body of the one commit
      // (or each commit's message as a list).
      const own = (await this.git.text(['rev-list', '--reverse', `${baseSha}..${headSha}`])).split('\n').filter(Boolean)
      const messages = await Promise.all(own.map(async (sha) => (await this.git.parseCommit(sha)).message.trim()))
      const details =
        messages.length === 1
          ? messages[0]!.split('\n').slice(1).join('\n').replace(/^\n+/, '')
          : messages.map((text) => `* ${text}`).join('\n\n')
      const text = `${title ?? `${pr.title} (#${pr.number})`}\n\n${message ?? details}`
      return this.signed({ tree, parents: [baseSha], message: text, author: merger, committer })
    }
    const text = `${title ?? `Merge pull request #${pr.number} from ${this.model.site.owner}/${pr.head}`}\n\n${message ?? pr.title}`
    return this.signed({ tree, parents: [baseSha, headSha], message: text, author: merger, committer })
  }

  private async mergeTree(ours: string, theirs: string): Promise<string> {
    const result = await this.git.run(['merge-tree', '--write-tree', '--no-messages', ours, theirs])
    if (result.code !== 0) throw new ApiError(405, 'Pull Request is not mergeable')
    return result.stdout.toString('utf8').split('\n')[0]!.trim()
  }

  private async signed(opts: {
    tree: string
    parents: string[]
    message: string
    author: Identity
    committer: Identity
  }) {
    const sha = await this.git.commitTree(opts)
    const payload = (await this.git.readObject('commit', sha)).toString('utf8')
    this.model.signed.set(sha, {
      verified: true,
      reason: 'valid',
      signature: SIGNATURE,
      payload,
      verified_at: timestamp(),
    })
    return sha
  }

  // ---- auto-merge and the merge queue ---------------------------------------------------------

  /** enablePullRequestAutoMerge: the GraphQL error message, or undefined when armed. */
  async enableAutoMerge(
    pr: PullState,
    method: MergeMethod,
    expectedHead: string | undefined,
    title: string | null,
    message: string | null,
    by: Account,
  ): Promise<string | undefined> {
    if (!this.settings.allowAutoMerge) return 'Auto merge is not allowed for this repository'
    if (pr.state !== 'open') return 'Pull request Pull request is closed'
    if (!this.settings[METHOD_SETTING[method]]) return `Pull request ${METHOD_REFUSAL[method]}`
    const now = await this.mergeStateNow(pr)
    if (expectedHead !== undefined && expectedHead !== now.headSha)
      return 'Head branch was modified. Review and try the merge again.'
    // Nothing to wait for: GitHub refuses to arm, the caller merges directly.
    if (now.state === 'clean' || now.state === 'unstable') return `Pull request Pull request is in ${now.state} status`
    pr.autoMerge = { method, title, message, enabledBy: by, enabledAt: timestamp() }
    pr.updatedAt = timestamp()
    this.schedule()
    return undefined
  }

  enqueue(
    pr: PullState,
    expectedHead: string | undefined,
    headSha: string,
    by: Account,
  ): string | { id: number; position: number } {
    if (this.protection.get(pr.base)?.mergeQueue === undefined)
      return 'Pull request is not in a merge queue enabled branch'
    if (pr.state !== 'open') return 'Pull request Pull request is closed'
    if (expectedHead !== undefined && expectedHead !== headSha)
      return 'Head branch was modified. Review and try the merge again.'
    pr.queued ??= { id: this.nextQueueId++, at: timestamp(), by }
    this.schedule()
    const queue = this.model.pulls.filter((p) => p.queued !== undefined && p.base === pr.base)
    return { id: pr.queued.id, position: queue.indexOf(pr) + 1 }
  }

  /** A test control: GitHub disarms auto-merge (e.g. after a push by someone without write access). */
  disableAutoMerge(pr: PullState): void {
    delete pr.autoMerge
    pr.updatedAt = timestamp()
  }

  /** Runs the engine soon: after a status, a ref move, arming, or a mergeability job. */
  schedule(): void {
    if (this.engineScheduled || this.closed) return
    this.engineScheduled = true
    setTimeout(() => {
      this.engineScheduled = false
      void this.runEngine().catch(() => undefined)
    }, 5)
  }

  /** Merges every armed or queued pull request whose requirements are met, as GitHub's auto-merge does. */
  private async runEngine(): Promise<void> {
    for (const pr of this.model.pulls) {
      if (this.closed || pr.state !== 'open') continue
      const queueRule = this.protection.get(pr.base)?.mergeQueue
      const armed = pr.autoMerge
      if (armed === undefined && (pr.queued === undefined || queueRule === undefined)) continue
      const headSha = await this.model.headSha(pr)
      const baseSha = (await this.git.readRef(`refs/heads/${pr.base}`)) ?? ''
      const state = this.mergeState(pr, headSha, baseSha)
      if (state.state !== 'clean' && state.state !== 'unstable') continue
      const fail = (status: number, message: string) => new ApiError(status, message)
      try {
        if (pr.queued !== undefined && queueRule !== undefined) {
          await this.merge(pr, queueRule.method, headSha, undefined, undefined, pr.queued.by, 'queue', fail)
        } else if (armed !== undefined) {
          const title = armed.title ?? undefined
          const message = armed.message ?? undefined
          await this.merge(pr, armed.method, headSha, title, message, armed.enabledBy, 'auto-merge', fail)
        }
      } catch {
        this.schedule()
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}
