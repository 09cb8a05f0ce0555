// The read side of the GitOps repository through the GitHub API: branch heads, tree listings and
// file contents at one commit (GraphQL batches, REST one by one as the fallback). No clone, and no
// call whose count grows with the repository's size.
import { createHash } from 'node:crypto'
import * as core from '@actions/core'
import type { GitHubClient, ResponseData } from './client.js'
import { eachLimited } from '../util/pool.js'
import { errorMessage } from '../errors.js'
import { statusOf } from '../net/retry.js'
import { apiError, writeAccessHint } from './github-error.js'

/** A branch head as read once; every write of a run builds on it. */
export interface Snapshot {
  readonly branch: string
  readonly commitSha: string
  readonly treeSha: string
  /** GitHub reports branch protection on the branch (it may still take direct pushes). */
  readonly protected?: boolean
}

export interface BranchHead extends Snapshot {
  readonly parents: readonly string[]
  readonly message: string
}

/** Git's object id of a file's contents: tells, from a listing or a compare answer alone, whether a file holds these bytes. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, 'utf8')
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
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

type BranchData = ResponseData<GitHubClient['rest']['repos']['getBranch']>
// Branch names and file paths may contain `/`; GitHub documents these as multi-segment path
// parameters, so each segment is encoded on its own instead of turning `/` into %2F (which some
// proxies in front of GitHub Enterprise Server refuse).
export function encodePath(value: string): string {
  return value.split('/').map(encodeURIComponent).join('/')
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export class RepositoryReader {
  readonly fullName: string
  /**
   * How long GitHub took to answer the last branch read (a plain GET, never held back by write
   * spacing): how wide the window is in which two writers collide. Undefined before the first.
   */
  answerTimeMs: number | undefined
  private readonly readConcurrency: number
  private readonly readBatchSize: number

  constructor(
    protected readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
    options: RepositoryOptions = {},
  ) {
    this.fullName = `${owner}/${repo}`
    this.readConcurrency = Math.max(1, options.readConcurrency ?? 6)
    this.readBatchSize = Math.max(1, options.readBatchSize ?? 100)
  }

  /** The `owner` and `repo` parameters of every REST call. */
  protected get where(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo }
  }

  async defaultBranch(): Promise<string> {
    try {
      const { data } = await this.client.rest.repos.get(this.where)
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
    return {
      branch: head.branch,
      commitSha: head.commitSha,
      treeSha: head.treeSha,
      ...(head.protected === true && { protected: true }),
    }
  }

  /** The head of `branch` with its parents, or undefined when there is no such branch. */
  async findBranch(branch: string): Promise<BranchHead | undefined> {
    let data: BranchData
    try {
      const asked = Date.now()
      const response = await this.client.request('GET /repos/{owner}/{repo}/branches/{+branch}', {
        ...this.where,
        branch: encodePath(branch),
      })
      this.answerTimeMs = Date.now() - asked
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
      ...(data.protected && { protected: true }),
    }
  }

  /** Every file path at the snapshot, in one call (only needed for directories and globs). */
  async listFiles(snapshot: Snapshot): Promise<string[]> {
    return this.completePaths(snapshot, await this.listTree(snapshot))
  }

  /** The paths of a listing of `snapshot`, or the advice to name files explicitly when GitHub cut it short. */
  completePaths(snapshot: Snapshot, listing: { paths: string[]; truncated: boolean }): string[] {
    if (!listing.truncated) return listing.paths
    throw new Error(
      `${this.fullName}@${snapshot.branch} has too many files for GitHub to list in one call. ` +
        'List the manifest files explicitly in the `manifests` input instead of directories or globs.',
    )
  }

  /** The newest commits (at most `max`) reachable from `commitSha` that changed `path`, newest first. */
  async commitsChanging(
    commitSha: string,
    path: string,
    max: number,
  ): Promise<{ readonly sha: string; readonly message: string; readonly date: string }[]> {
    try {
      const { data } = await this.client.request('GET /repos/{owner}/{repo}/commits', {
        ...this.where,
        sha: commitSha,
        path,
        per_page: max,
      })
      return data.map((commit) => ({
        sha: commit.sha,
        message: commit.commit.message,
        date: commit.commit.committer?.date ?? '',
      }))
    } catch (error) {
      throw apiError(`Could not list the commits that changed ${path}`, this.fullName, error)
    }
  }

  /**
   * Every file at the snapshot with its blob sha and Git mode (100644, 100755, or 120000 for a
   * symbolic link), in one call; `truncated` when GitHub could not list them all.
   */
  async listTree(snapshot: Snapshot): Promise<{
    paths: string[]
    blobs: Map<string, string>
    modes: ReadonlyMap<string, string>
    truncated: boolean
  }> {
    let data: ResponseData<GitHubClient['rest']['git']['getTree']>
    try {
      ;({ data } = await this.client.rest.git.getTree({
        ...this.where,
        tree_sha: snapshot.treeSha,
        recursive: '1',
      }))
    } catch (error) {
      throw apiError(`Could not list the files of ${snapshot.branch}`, this.fullName, error)
    }
    const blobs = new Map<string, string>()
    const modes = new Map<string, string>()
    for (const entry of data.tree) {
      if (entry.type === 'blob' && typeof entry.path === 'string' && typeof entry.sha === 'string') {
        blobs.set(entry.path, entry.sha)
        modes.set(entry.path, entry.mode ?? '100644')
      }
    }
    return { paths: [...blobs.keys()], blobs, modes, truncated: data.truncated }
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
    const request = `GET /repos/${this.fullName}/contents/${encodePath(path)}`
    for (let attempt = 1; ; attempt++) {
      let response
      try {
        response = await this.client.request('GET /repos/{owner}/{repo}/contents/{+path}', {
          ...this.where,
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
      let bytes: Uint8Array
      try {
        bytes = await readBody(response.data as unknown)
      } catch (error) {
        // The body was lost on the way (a reset, or undici's "Response body object should not be
        // disturbed or locked"): the request is read again; a last failure names it.
        if (attempt < BODY_READ_ATTEMPTS) {
          core.info(`${request}: the answer could not be read (${errorMessage(error)}); asking again`)
          continue
        }
        throw new Error(
          `Could not read ${where} in ${this.fullName}: ${request} answered, but its body could not be read: ${errorMessage(error)}`,
          {
            cause: error,
          },
        )
      }
      return this.decodeFile(path, where, snapshot, response.headers, bytes)
    }
  }

  private decodeFile(
    path: string,
    where: string,
    snapshot: Snapshot,
    headers: { readonly 'content-type'?: string | number | undefined },
    bytes: Uint8Array,
  ): string {
    const contentType = String(headers['content-type'] ?? '')
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
}

/** Tries of one raw file read whose answer arrived but whose body could not be read. */
const BODY_READ_ATTEMPTS = 3

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
