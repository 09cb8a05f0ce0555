// The GitOps repository as the GitHub REST API shows it: reads at one commit and the Git Data
// API writes, one call each. No clone, and no call whose count grows with the repository's size.
import { createHash } from 'node:crypto'
import type { RestEndpointMethodTypes } from '@octokit/rest'
import * as core from '@actions/core'
import type { GitHubClient } from './client.js'
import { eachLimited } from '../util/pool.js'
import { errorMessage } from '../errors.js'
import {
  apiError,
  gitHubMessage,
  isPullRequestAlreadyExists,
  isRefConflict,
  isReferenceAlreadyExists,
  statusOf,
  writeAccessHint,
} from './github-error.js'

/** A branch head as read once; every write of a run builds on it. */
export interface Snapshot {
  readonly branch: string
  readonly commitSha: string
  readonly treeSha: string
}

export interface FileUpdate {
  readonly path: string
  readonly content: string
}

export interface BranchHead extends Snapshot {
  readonly parents: readonly string[]
  readonly message: string
}

/** The outcome of one compare-and-swap commit: the new commit, or the branch was not at the expected head. */
export type CommitResult = { readonly sha: string } | 'stale'

/** Git's object id of a file's contents: lets a run tell, from a tree listing alone, whether a file changed. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8')
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

export interface PullRequest {
  readonly number: number
  readonly url: string
  readonly title: string
  readonly body: string
  /** The branch it merges into. */
  readonly base: string
  readonly labels: readonly string[]
}

export interface RepositoryOptions {
  /** Files read at once; GitHub counts concurrent requests towards secondary rate limits. */
  readonly readConcurrency?: number
  /** Files read per GraphQL request (default 100). */
  readonly readBatchSize?: number
}

/** A blob as GraphQL describes it; `text` is null for binary blobs and may be cut short for large ones. */
interface GraphBlob {
  readonly __typename: string
  readonly text?: string | null
  readonly isBinary?: boolean | null
  readonly isTruncated?: boolean
  readonly byteSize?: number
}

// One query reads a batch of files at one commit: `fN: object(expression: "SHA:path")` per file. The
// expressions travel as variables, so no path ever needs escaping inside the query text.
function blobsQuery(count: number): string {
  const variables = Array.from({ length: count }, (_, index) => `$e${index}: String!`).join(', ')
  const fields = Array.from(
    { length: count },
    (_, index) =>
      `f${index}: object(expression: $e${index}) { __typename ... on Blob { text isBinary isTruncated byteSize } }`,
  ).join(' ')
  return `query ReadFiles($owner: String!, $name: String!, ${variables}) { repository(owner: $owner, name: $name) { ${fields} } }`
}

type BranchData = RestEndpointMethodTypes['repos']['getBranch']['response']['data']
type PullData = RestEndpointMethodTypes['pulls']['get']['response']['data']

// Branch names and file paths may contain `/`; GitHub documents these as multi-segment path
// parameters, so each segment is encoded on its own instead of turning `/` into %2F (which some
// proxies in front of GitHub Enterprise Server refuse).
function encodePath(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/')
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export class GitOpsRepository {
  readonly fullName: string
  private readonly readConcurrency: number
  private readonly readBatchSize: number

  constructor(
    private readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
    options: RepositoryOptions = {},
  ) {
    this.fullName = `${owner}/${repo}`
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 6)
    this.readBatchSize = Math.max(1, options.readBatchSize ?? 100)
  }

  async defaultBranch(): Promise<string> {
    try {
      const { data } = await this.client.rest.repos.get({ owner: this.owner, repo: this.repo })
      return data.default_branch
    } catch (error) {
      const status = statusOf(error)
      const hint =
        status === 404 || status === 403
          ? `Either ${this.fullName} does not exist or the token cannot see it: check the \`gitops-repository\` input, and pass a token with \`contents: write\` on ${this.fullName} in the \`token\` input (the default GITHUB_TOKEN only reaches the workflow's own repository)`
          : writeAccessHint(this.fullName, status, false)
      throw apiError('Could not read the repository', this.fullName, error, hint)
    }
  }

  /** The head of `branch` (the `base` input). */
  async snapshot(branch: string): Promise<Snapshot> {
    const head = await this.findBranch(branch)
    if (head === undefined) {
      throw apiError(
        `Could not read branch ${branch}`,
        this.fullName,
        { status: 404, response: { data: { message: 'Branch not found' } } },
        `Set the \`base\` input to an existing branch of ${this.fullName}, or leave it empty for the default branch`,
      )
    }
    return { branch: head.branch, commitSha: head.commitSha, treeSha: head.treeSha }
  }

  /** The head of `branch` with its parents, or undefined when there is no such branch. */
  async findBranch(branch: string): Promise<BranchHead | undefined> {
    let data: BranchData
    try {
      const response = await this.client.request('GET /repos/{owner}/{repo}/branches/{+branch}', {
        owner: this.owner,
        repo: this.repo,
        branch: encodePath(branch),
      })
      data = response.data as BranchData
    } catch (error) {
      if (statusOf(error) === 404) return undefined
      throw apiError(
        `Could not read branch ${branch}`,
        this.fullName,
        error,
        writeAccessHint(this.fullName, statusOf(error), false),
      )
    }
    return {
      branch,
      commitSha: data.commit.sha,
      treeSha: data.commit.commit.tree.sha,
      parents: data.commit.parents.map((parent) => parent.sha),
      message: data.commit.commit.message,
    }
  }

  /** Every file path at the snapshot, in one call (only needed for directories and globs). */
  async listFiles(snapshot: Snapshot): Promise<string[]> {
    const { paths, truncated } = await this.listTree(snapshot)
    if (truncated) {
      throw new Error(
        `${this.fullName}@${snapshot.branch} has too many files for GitHub to list in one call. ` +
          'List the manifest files explicitly in the `manifests` input instead of directories or globs.',
      )
    }
    return paths
  }

  /** Every file of the snapshot with its blob sha, in one call; undefined when GitHub truncates the listing. */
  async listBlobs(snapshot: Snapshot): Promise<Map<string, string> | undefined> {
    const { blobs, truncated } = await this.listTree(snapshot)
    return truncated ? undefined : blobs
  }

  /** Every file at the snapshot with its blob sha, in one call; `truncated` when GitHub could not list them all. */
  async listTree(snapshot: Snapshot): Promise<{ paths: string[]; blobs: Map<string, string>; truncated: boolean }> {
    let data: RestEndpointMethodTypes['git']['getTree']['response']['data']
    try {
      ;({ data } = await this.client.rest.git.getTree({
        owner: this.owner,
        repo: this.repo,
        tree_sha: snapshot.treeSha,
        recursive: '1',
      }))
    } catch (error) {
      throw apiError(`Could not list the files of ${snapshot.branch}`, this.fullName, error)
    }
    const blobs = new Map<string, string>()
    for (const entry of data.tree) {
      if (entry.type === 'blob' && typeof entry.path === 'string' && typeof entry.sha === 'string') {
        blobs.set(entry.path, entry.sha)
      }
    }
    return { paths: [...blobs.keys()], blobs, truncated: data.truncated }
  }

  /**
   * The exact text of each file at the snapshot's commit, in the order asked (BOM and CRLF kept). Files
   * are read in GraphQL batches, so a large selection costs a handful of requests; a file whose GraphQL
   * text may not be its exact bytes (binary, cut short, or a byte count that disagrees, as with a BOM) is
   * read again through the raw contents endpoint, which also gives the precise error for missing paths.
   */
  async readFiles(snapshot: Snapshot, paths: readonly string[]): Promise<{ path: string; content: string }[]> {
    const texts = new Map<string, string>()
    for (let start = 0; start < paths.length; start += this.readBatchSize) {
      const batch = paths.slice(start, start + this.readBatchSize)
      for (const [path, text] of await this.readBatch(snapshot, batch)) texts.set(path, text)
    }
    const rest = paths.filter((path) => !texts.has(path))
    for (const file of await this.readRaw(snapshot, rest)) texts.set(file.path, file.content)
    return paths.map((path) => ({ path, content: texts.get(path)! }))
  }

  /** The texts GraphQL returns exactly; the others are left to the raw endpoint. */
  private async readBatch(snapshot: Snapshot, paths: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>()
    if (paths.length === 0) return found
    const variables: Record<string, string> = { owner: this.owner, name: this.repo }
    paths.forEach((path, index) => (variables[`e${index}`] = `${snapshot.commitSha}:${path}`))
    let data: { repository: Record<string, GraphBlob | null> | null }
    try {
      data = await this.client.graphql(blobsQuery(paths.length), variables)
    } catch (error) {
      // The raw endpoint reads the files one by one and explains any failure in terms of the inputs.
      core.debug(`GraphQL read of ${paths.length} files failed, reading them one by one: ${errorMessage(error)}`)
      return found
    }
    paths.forEach((path, index) => {
      const blob = data.repository?.[`f${index}`]
      if (
        blob?.__typename === 'Blob' &&
        typeof blob.text === 'string' &&
        blob.isBinary !== true &&
        blob.isTruncated !== true &&
        Buffer.byteLength(blob.text, 'utf8') === blob.byteSize &&
        !blob.text.includes('\uFFFD')
      )
        found.set(path, blob.text)
    })
    return found
  }

  private async readRaw(snapshot: Snapshot, paths: readonly string[]): Promise<{ path: string; content: string }[]> {
    const results = new Array<{ path: string; content: string }>(paths.length)
    // One failure fails the run: the pool stops fetching the rest.
    await eachLimited(paths.entries(), this.readConcurrency, async ([index, path]) => {
      results[index] = { path, content: await this.readFile(snapshot, path) }
    })
    return results
  }

  private async readFile(snapshot: Snapshot, path: string): Promise<string> {
    const where = `${path} at ${snapshot.branch} (${snapshot.commitSha.slice(0, 7)})`
    let response
    try {
      response = await this.client.request('GET /repos/{owner}/{repo}/contents/{+path}', {
        owner: this.owner,
        repo: this.repo,
        path: encodePath(path),
        ref: snapshot.commitSha,
        headers: { accept: 'application/vnd.github.raw' },
        // The body is decoded here, not by fetch: Response.text() would drop a byte-order mark.
        request: { parseSuccessResponseBody: false },
      })
    } catch (error) {
      const hint =
        statusOf(error) === 404
          ? `Check the \`manifests\` input: paths are relative to the root of ${this.fullName}`
          : writeAccessHint(this.fullName, statusOf(error), false)
      throw apiError(`Could not read ${where}`, this.fullName, error, hint)
    }
    const bytes = await readBody(response.data as unknown)
    const contentType = String(response.headers['content-type'] ?? '')
    if (contentType.startsWith('application/json') && isDirectoryListing(bytes)) {
      throw new Error(
        `${path} is a directory in ${this.fullName}@${snapshot.branch}; the \`manifests\` input names it as a file. End it with "/" to select the manifests below it.`,
      )
    }
    try {
      return utf8.decode(bytes)
    } catch {
      throw new Error(`${where} in ${this.fullName} is not UTF-8 text; check the \`manifests\` input.`)
    }
  }

  /** A tree on top of `baseTree` with `files` replaced (contents inline: no blob per file). */
  async createTree(baseTree: string, files: readonly FileUpdate[]): Promise<string> {
    try {
      const { data } = await this.client.rest.git.createTree({
        owner: this.owner,
        repo: this.repo,
        base_tree: baseTree,
        tree: files.map((file) => ({
          path: file.path,
          mode: '100644' as const,
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
        owner: this.owner,
        repo: this.repo,
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
        owner: this.owner,
        repo: this.repo,
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
      await this.client.rest.git.createRef({ owner: this.owner, repo: this.repo, ref: `refs/heads/${branch}`, sha })
      return 'created'
    } catch (error) {
      if (isReferenceAlreadyExists(error)) return 'exists'
      throw this.writeError(`Could not create refs/heads/${branch}`, error)
    }
  }

  /** The open pull request from this repository's `branch` into `base`, if any. */
  /** The open pull request of `branch`, whatever base it targets (the caller retargets it). */
  async findPullRequest(branch: string): Promise<PullRequest | undefined> {
    try {
      // Without the OWNER: prefix GitHub ignores the head filter and lists every open PR.
      const { data } = await this.client.rest.pulls.list({
        owner: this.owner,
        repo: this.repo,
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
      const { data } = await this.client.rest.pulls.create({
        owner: this.owner,
        repo: this.repo,
        head: branch,
        base,
        title,
        body,
      })
      return toPullRequest(data)
    } catch (error) {
      if (isPullRequestAlreadyExists(error)) return 'exists'
      throw this.writeError(`Could not open a pull request from ${branch} into ${base}`, error, true)
    }
  }

  async updatePullRequest(number: number, title: string, body: string, base: string): Promise<PullRequest> {
    try {
      const { data } = await this.client.rest.pulls.update({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        title,
        body,
        base,
      })
      return toPullRequest(data)
    } catch (error) {
      throw this.writeError(`Could not update pull request #${number}`, error, true)
    }
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    try {
      await this.client.rest.issues.addLabels({
        owner: this.owner,
        repo: this.repo,
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

async function readBody(data: unknown): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (typeof data === 'string') return new TextEncoder().encode(data)
  if (data && typeof (data as ReadableStream<Uint8Array>).getReader === 'function') {
    return new Uint8Array(await new Response(data as ReadableStream<Uint8Array>).arrayBuffer())
  }
  return new Uint8Array()
}

function isDirectoryListing(bytes: Uint8Array): boolean {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes))
    return (
      Array.isArray(parsed) &&
      parsed.length > 0 &&
      parsed.every((entry) => entry !== null && typeof entry === 'object' && 'type' in entry && 'path' in entry)
    )
  } catch {
    return false
  }
}
