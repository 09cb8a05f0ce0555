// The GitOps repository as the GitHub API shows it: the reads of RepositoryReader, and the Git Data
// API writes (trees, commits, refs, createCommitOnBranch) and pull requests, one call each.
import * as core from '@actions/core'
import type { GitHubClient, ResponseData } from './client.js'
import { type BranchHead, RepositoryReader, encodePath } from './reader.js'
import {
  apiError,
  gitHubMessage,
  isPullRequestAlreadyExists,
  isRefConflict,
  isReferenceAlreadyExists,
  writeAccessHint,
} from './github-error.js'
import { statusOf } from '../net/retry.js'

export { type BranchHead, type RepositoryOptions, type Snapshot, RepositoryReader, gitBlobSha } from './reader.js'

/** How one file changed between two commits, as the compare API says (`modified`, `added`, `removed`, …). */
export interface FileChange {
  readonly status: string
  /** Blob sha at the newer commit; absent for a removed file. */
  readonly blob?: string
}

/** A branch that moved on: its head, and what the commits since the head we knew changed. */
export interface MovedHead {
  readonly head: BranchHead
  /** By path (a rename under both names); undefined when GitHub could not say in one answer: read everything again. */
  readonly changes?: ReadonlyMap<string, FileChange>
}

// GitHub's compare answer lists at most 300 files and, on its first page, 250 commits.
const COMPARE_FILES_LIMIT = 300
const COMPARE_COMMITS_PAGE = 250

/** A commit's statuses, newest per context, as the combined status lists them. */
export interface CombinedStatus {
  readonly sha: string
  readonly statuses: readonly {
    readonly context: string
    readonly state: string
    readonly description: string | null
    readonly targetUrl: string | null
  }[]
}

export interface FileUpdate {
  readonly path: string
  readonly content: string
  /** The file's Git mode as read; an executable (100755) stays executable. Default 100644. */
  readonly mode?: string
}

/** The outcome of one compare-and-swap commit: the new commit, or the branch was not at the expected head. */
export type CommitResult = { readonly sha: string } | 'stale'

export interface PullRequest {
  readonly number: number
  readonly url: string
  readonly title: string
  readonly body: string
  /** The branch it merges into. */
  readonly base: string
  readonly labels: readonly string[]
}

type PullData = ResponseData<GitHubClient['rest']['pulls']['get']>
type StatusData = ResponseData<GitHubClient['rest']['repos']['getCombinedStatusForRef']>
type CompareData = ResponseData<GitHubClient['rest']['repos']['compareCommitsWithBasehead']>

export class GitOpsRepository extends RepositoryReader {
  /**
   * The head of `branch` and the files changed since `since`, in one call (compare), so a writer
   * that lost a race re-reads only what the winners touched and writes again right away.
   * Falls back to reading the head alone (changes unknown) when the compare answer cannot say:
   * history rewritten, too many commits or files, or no compare API. Undefined: no such branch.
   */
  async movedSince(since: string, branch: string): Promise<MovedHead | undefined> {
    let data: CompareData | undefined
    try {
      const asked = Date.now()
      const response = await this.client.request('GET /repos/{owner}/{repo}/compare/{+basehead}', {
        ...this.where,
        basehead: `${since}...${encodePath(branch)}`,
        per_page: COMPARE_COMMITS_PAGE,
      })
      this.answerTimeMs = Date.now() - asked
      data = response.data as CompareData
    } catch (error) {
      core.debug(`compare ${since}...${branch} failed (${gitHubMessage(error)}); reading the branch instead`)
    }
    const commits = Array.isArray(data?.commits) ? data.commits : []
    const last = commits.at(-1)
    if (data?.status !== 'ahead' || last === undefined || commits.length !== data.total_commits) {
      const head = await this.findBranch(branch)
      return head && { head }
    }
    const { sha: commitSha, commit, parents } = last
    const head = {
      branch,
      commitSha,
      treeSha: commit.tree.sha,
      parents: parents.map((p) => p.sha),
      message: commit.message,
    }
    const files = Array.isArray(data.files) ? data.files : []
    // No file listed for commits that moved the branch is more likely an answer without files than empty commits.
    if (files.length === 0 || files.length >= COMPARE_FILES_LIMIT) return { head }
    const changes = new Map<string, FileChange>()
    for (const file of files) {
      const change = { status: file.status, ...(file.status !== 'removed' && file.sha && { blob: file.sha }) }
      changes.set(file.filename, change)
      if (file.previous_filename) changes.set(file.previous_filename, { status: 'removed' })
    }
    return { head, changes }
  }

  /** Whether `head` contains `base`: compare `base...head` says `ahead` or `identical`. */
  async contains(base: string, head: string): Promise<boolean> {
    const request = { ...this.where, basehead: `${base}...${head}`, per_page: 1 }
    const { data } = await this.client.request('GET /repos/{owner}/{repo}/compare/{basehead}', request)
    return data.status === 'ahead' || data.status === 'identical'
  }

  /** A commit's message and parents (`git/commits`: `contents: read`). */
  async readCommit(sha: string): Promise<{ sha: string; message: string; parents: string[] }> {
    try {
      const { data } = await this.client.rest.git.getCommit({ ...this.where, commit_sha: sha })
      return { sha: data.sha, message: data.message, parents: data.parents.map((parent) => parent.sha) }
    } catch (error) {
      throw apiError(
        `Could not read commit ${sha}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), false),
      )
    }
  }

  /** The files `sha` changed against `parent` (compare), with the status of each (`modified`, `added`, …). */
  async changedFiles(parent: string, sha: string): Promise<{ path: string; status: string }[]> {
    const { data } = await this.client.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      ...this.where,
      basehead: `${parent}...${sha}`,
      per_page: 1,
    })
    return (data.files ?? []).map((file) => ({ path: file.filename, status: file.status }))
  }

  /**
   * The newest status of each context on `ref` (a sha, or a branch: its head), and the commit it
   * resolved to: one call (`statuses: read`). Argo CD Notifications and Flux report deploys here.
   */
  async combinedStatus(ref: string): Promise<CombinedStatus> {
    const response = await this.client.request('GET /repos/{owner}/{repo}/commits/{+ref}/status', {
      ...this.where,
      ref: encodePath(ref),
      per_page: 100,
    })
    const data = response.data as StatusData
    return {
      sha: data.sha,
      statuses: data.statuses.map((status) => ({
        context: status.context,
        state: status.state,
        description: status.description,
        targetUrl: status.target_url,
      })),
    }
  }

  /** A tree on top of `baseTree` with `files` replaced (contents inline: no blob per file), modes kept. */
  async createTree(baseTree: string, files: readonly FileUpdate[]): Promise<string> {
    try {
      const { data } = await this.client.rest.git.createTree({
        ...this.where,
        base_tree: baseTree,
        tree: files.map((file) => ({
          path: file.path,
          // An executable file stays executable; anything else is written as a regular file.
          mode: file.mode === '100755' ? ('100755' as const) : ('100644' as const),
          type: 'blob' as const,
          content: file.content,
        })),
      })
      return data.sha
    } catch (error) {
      throw this.writeError('Could not create a tree', error)
    }
  }

  /**
   * No author or committer: GitHub then signs the commit for GITHUB_TOKEN and GitHub App tokens
   * (shown as Verified), and attributes it to the token's user otherwise.
   */
  async createCommit(message: string, tree: string, parents: readonly string[]): Promise<string> {
    try {
      const { data } = await this.client.rest.git.createCommit({
        ...this.where,
        message,
        tree,
        parents: [...parents],
      })
      return data.sha
    } catch (error) {
      throw this.writeError('Could not create a commit', error)
    }
  }

  /**
   * Moves refs/heads/`branch` to `sha`. Without `force` this is a compare-and-swap: it answers
   * 'conflict' instead of dropping commits someone else pushed meanwhile.
   */
  async updateBranch(branch: string, sha: string, force: boolean): Promise<'updated' | 'conflict'> {
    try {
      await this.client.request('PATCH /repos/{owner}/{repo}/git/refs/{+ref}', {
        ...this.where,
        ref: `heads/${encodePath(branch)}`,
        sha,
        force,
      })
      return 'updated'
    } catch (error) {
      if (!force && isRefConflict(error)) return 'conflict'
      throw this.writeError(`Could not update refs/heads/${branch}`, error)
    }
  }

  /**
   * One signed commit of `files` on top of `expectedHead`, written atomically by GraphQL's
   * `createCommitOnBranch`: one content-creating request, where the REST sequence (tree, commit,
   * ref) takes three. 'stale' when the branch is no longer at `expectedHead`.
   */
  async commitOnBranch(
    branch: string,
    expectedHead: string,
    message: string,
    files: readonly FileUpdate[],
  ): Promise<CommitResult> {
    const [headline = '', ...rest] = message.split('\n')
    const body = rest.join('\n').replace(/^\n+/, '')
    try {
      const data = await this.client.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(COMMIT_ON_BRANCH, {
        input: {
          branch: { repositoryNameWithOwner: this.fullName, branchName: branch },
          expectedHeadOid: expectedHead,
          message: body === '' ? { headline } : { headline, body },
          fileChanges: {
            additions: files.map((file) => ({
              path: file.path,
              contents: Buffer.from(file.content, 'utf8').toString('base64'),
            })),
          },
        },
      })
      return { sha: data.createCommitOnBranch.commit.oid }
    } catch (error) {
      if (isStaleHead(error)) return 'stale'
      throw this.writeError(`Could not commit to ${branch}`, error)
    }
  }

  async createBranch(branch: string, sha: string): Promise<'created' | 'exists'> {
    try {
      await this.client.rest.git.createRef({ ...this.where, ref: `refs/heads/${branch}`, sha })
      return 'created'
    } catch (error) {
      if (isReferenceAlreadyExists(error)) return 'exists'
      throw this.writeError(`Could not create refs/heads/${branch}`, error)
    }
  }

  /** The open pull request of `branch`, whatever base it targets (the caller retargets it). */
  async findPullRequest(branch: string): Promise<PullRequest | undefined> {
    try {
      // Without the OWNER: prefix GitHub ignores the head filter and lists every open PR.
      const { data } = await this.client.rest.pulls.list({
        ...this.where,
        head: `${this.owner}:${branch}`,
        state: 'open',
        per_page: 10,
      })
      const pull = data.find((candidate) => candidate.head.ref === branch)
      return pull && toPullRequest(pull)
    } catch (error) {
      throw apiError(
        `Could not look up the pull request for ${branch}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), true),
      )
    }
  }

  async createPullRequest(branch: string, base: string, title: string, body: string): Promise<PullRequest | 'exists'> {
    try {
      const request = { ...this.where, head: branch, base, title, body }
      const { data } = await this.client.rest.pulls.create(request)
      return toPullRequest(data)
    } catch (error) {
      if (isPullRequestAlreadyExists(error)) return 'exists'
      throw this.writeError(`Could not open a pull request from ${branch} into ${base}`, error, true)
    }
  }

  async updatePullRequest(number: number, title: string, body: string, base: string): Promise<PullRequest> {
    try {
      const request = { ...this.where, pull_number: number, title, body, base }
      const { data } = await this.client.rest.pulls.update(request)
      return toPullRequest(data)
    } catch (error) {
      throw this.writeError(`Could not update pull request #${number}`, error, true)
    }
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    try {
      await this.client.rest.issues.addLabels({
        ...this.where,
        issue_number: number,
        labels: [...labels],
      })
    } catch (error) {
      throw this.writeError(`Could not add labels to pull request #${number}`, error, true)
    }
  }

  private writeError(what: string, error: unknown, pullRequests = false): Error {
    return apiError(
      what,
      this.fullName,
      error,
      writeAccessHint(this.fullName, statusOf(error), pullRequests, gitHubMessage(error)),
    )
  }
}

const COMMIT_ON_BRANCH = `mutation ($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid } }
}`

/** GraphQL's answer when `expectedHeadOid` is not the branch head (another writer was first). */
function isStaleHead(error: unknown): boolean {
  const errors = (error as { errors?: unknown } | null)?.errors
  return (
    Array.isArray(errors) &&
    errors.some(
      (e: { type?: unknown; message?: unknown }) =>
        e.type === 'STALE_DATA' || /expected branch to point to/i.test(String(e.message)),
    )
  )
}

function toPullRequest(
  pull: Pick<PullData, 'number' | 'html_url' | 'title' | 'body'> & {
    base: { ref: string }
    labels: readonly { name?: string }[]
  },
): PullRequest {
  return {
    number: pull.number,
    url: pull.html_url,
    title: pull.title,
    body: pull.body ?? '',
    base: pull.base.ref,
    labels: pull.labels.map((label) => label.name).filter((name): name is string => typeof name === 'string'),
  }
}
