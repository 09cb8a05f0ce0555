// Thin layer over the git CLI for the fake GitHub API: every answer the fake gives comes from a real
// bare repository, so clients are tested against real object ids, trees and ref semantics.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

export const NULL_SHA = '0000000000000000000000000000000000000000'
const SHA_RE = /^[0-9a-f]{40}$/

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag'

export interface GitResult {
  code: number
  stdout: Buffer
  stderr: string
}

export interface TreeEntry {
  mode: string
  type: ObjectType
  sha: string
  /** Blobs only. */
  size?: number
  path: string
}

export interface Identity {
  name: string
  email: string
  /** Seconds since the epoch. */
  time: number
  /** Git's `+HHMM` form. */
  tz: string
}

export interface ParsedCommit {
  sha: string
  tree: string
  parents: string[]
  author: Identity
  committer: Identity
  message: string
  gpgsig?: string
}

/** One change to apply on top of a base tree; `sha: null` deletes the path (file or directory). */
export interface TreeChange {
  path: string
  mode: string
  type: 'blob' | 'tree' | 'commit'
  sha: string | null
}

export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`)
    this.name = 'GitCommandError'
  }
}

export function isSha(value: string): boolean {
  return SHA_RE.test(value)
}

export function formatIdentity(who: { name: string; email: string }): string {
  return `${who.name} <${who.email}>`
}

export class GitRepo {
  private readonly env: NodeJS.ProcessEnv

  private constructor(
    readonly gitDir: string,
    private readonly scratchDir: string,
  ) {
    // A clean environment: the developer's config, hooks and GIT_* variables must not leak in.
    this.env = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: scratchDir,
      TMPDIR: process.env.TMPDIR ?? tmpdir(),
      LC_ALL: 'C',
      GIT_DIR: gitDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_LITERAL_PATHSPECS: '1',
    }
  }

  /** Creates an empty bare repository in a new temporary directory. */
  static async create(defaultBranch: string): Promise<GitRepo> {
    const root = await mkdtemp(path.join(tmpdir(), 'fake-github-'))
    const repo = new GitRepo(path.join(root, 'repo.git'), root)
    await repo.mustRun(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, repo.gitDir], {
      env: { GIT_DIR: undefined },
    })
    // Background gc would race with the concurrent ref updates the tests provoke.
    await repo.mustRun(['config', 'gc.auto', '0'])
    return repo
  }

  async dispose(): Promise<void> {
    await rm(this.scratchDir, { recursive: true, force: true })
  }

  run(
    args: readonly string[],
    opts: { input?: Buffer | string; env?: Record<string, string | undefined> } = {},
  ): Promise<GitResult> {
    const env = { ...this.env, ...opts.env }
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        [...args],
        { env, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') {
            reject(new Error(`git ${args[0] ?? ''} could not run: ${error.message}`))
            return
          }
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr: stderr.toString('utf8') })
        },
      )
      child.stdin?.on('error', () => {
        // git may exit before reading all of stdin (e.g. on a bad argument); the exit code reports that.
      })
      child.stdin?.end(opts.input ?? '')
    })
  }

  async mustRun(
    args: readonly string[],
    opts: { input?: Buffer | string; env?: Record<string, string | undefined> } = {},
  ): Promise<Buffer> {
    const result = await this.run(args, opts)
    if (result.code !== 0) throw new GitCommandError(args, result)
    return result.stdout
  }

  async text(
    args: readonly string[],
    opts: { input?: Buffer | string; env?: Record<string, string> } = {},
  ): Promise<string> {
    return (await this.mustRun(args, opts)).toString('utf8').replace(/\n$/, '')
  }

  /** The object `rev` names, peeled to `type` when given; undefined when there is none. */
  async resolve(rev: string, type?: ObjectType): Promise<string | undefined> {
    // A leading dash would be parsed as an option; nothing valid starts with one.
    if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) return undefined
    const spec = type ? `${rev}^{${type}}` : rev
    const result = await this.run(['rev-parse', '--verify', '--quiet', spec])
    if (result.code !== 0) return undefined
    return result.stdout.toString('utf8').trim()
  }

  async objectType(sha: string): Promise<ObjectType | undefined> {
    if (!isSha(sha)) return undefined
    const result = await this.run(['cat-file', '-t', sha])
    if (result.code !== 0) return undefined
    return result.stdout.toString('utf8').trim() as ObjectType
  }

  async readObject(type: ObjectType, sha: string): Promise<Buffer> {
    return this.mustRun(['cat-file', type, sha])
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return this.text(['hash-object', '-w', '--stdin'], { input: content })
  }

  /** Many blobs with one git process (seeding a 2,000-file repository stays fast). */
  async writeBlobs(contents: readonly (Buffer | string)[]): Promise<string[]> {
    if (contents.length <= 2) return Promise.all(contents.map((c) => this.writeBlob(c)))
    const marks = path.join(this.scratchDir, `marks-${randomBytes(8).toString('hex')}`)
    const stream: Buffer[] = []
    contents.forEach((content, i) => {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content
      stream.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n'))
    })
    try {
      await this.mustRun(['fast-import', '--quiet', `--export-marks=${marks}`], { input: Buffer.concat(stream) })
      const shas: string[] = []
      for (const line of (await readFile(marks, 'utf8')).split('\n')) {
        const m = /^:(\d+) ([0-9a-f]{40})$/.exec(line)
        if (m) shas[Number(m[1]) - 1] = m[2]!
      }
      return shas
    } finally {
      await rm(marks, { force: true })
    }
  }

  /** Entries of `treeish` (a tree, commit or `commit:dir`), optionally recursive (trees included). */
  async listTree(treeish: string, opts: { recursive?: boolean; paths?: string[] } = {}): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '-l']
    if (opts.recursive) args.push('-r', '-t')
    args.push(treeish)
    if (opts.paths) args.push('--', ...opts.paths)
    const out = (await this.mustRun(args)).toString('utf8')
    const entries: TreeEntry[] = []
    for (const record of out.split('\0')) {
      if (record === '') continue
      const tab = record.indexOf('\t')
      const [mode, type, sha, size] = record.slice(0, tab).split(/ +/)
      entries.push({
        mode: mode,
        type: type as ObjectType,
        sha: sha,
        ...(size !== undefined && size !== '-' ? { size: Number(size) } : {}),
        path: record.slice(tab + 1),
      })
    }
    return entries
  }

  /** The entry at `path` inside `commit`'s tree, or undefined. */
  async entryAt(commit: string, filePath: string): Promise<TreeEntry | undefined> {
    const [entry] = await this.listTree(commit, { paths: [filePath] })
    return entry && entry.path === filePath ? entry : undefined
  }

  /**
   * The tree of applying `base`→`theirs` onto `ours` (a cherry-pick's tree), by a three-way
   * read-tree in a private index; undefined when a path changed on both sides (a conflict).
   */
  async threeWayTree(base: string, ours: string, theirs: string): Promise<string | undefined> {
    const indexFile = path.join(this.scratchDir, `index-${randomBytes(8).toString('hex')}`)
    const env = { GIT_INDEX_FILE: indexFile }
    try {
      await this.mustRun(['read-tree', '-m', '-i', '--aggressive', base, ours, theirs], { env })
      const result = await this.run(['write-tree'], { env })
      return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined
    } finally {
      await rm(indexFile, { force: true })
    }
  }

  /**
   * Applies `changes` on top of `baseTree` (or an empty tree) in a private index, so concurrent
   * requests never share state, and writes the resulting (nested) tree.
   */
  async buildTree(baseTree: string | undefined, changes: readonly TreeChange[]): Promise<string> {
    const indexFile = path.join(this.scratchDir, `index-${randomBytes(8).toString('hex')}`)
    const env = { GIT_INDEX_FILE: indexFile }
    try {
      await this.mustRun(baseTree ? ['read-tree', baseTree] : ['read-tree', '--empty'], { env })
      const cleared = changes.filter((c) => c.sha === null || c.type === 'tree').map((c) => c.path)
      const lines: string[] = []
      if (cleared.length > 0) {
        // A path may name a directory: remove everything below it too.
        const below = (await this.mustRun(['ls-files', '-z', '--', ...cleared], { env })).toString('utf8')
        for (const p of below.split('\0')) if (p !== '') lines.push(`0 ${NULL_SHA}\t${p}`)
      }
      for (const change of changes) {
        if (change.sha === null) continue
        if (change.type === 'tree') {
          for (const entry of await this.listTree(change.sha, { recursive: true })) {
            if (entry.type !== 'tree') lines.push(`${entry.mode} ${entry.sha}\t${change.path}/${entry.path}`)
          }
        } else {
          lines.push(`${change.mode} ${change.sha}\t${change.path}`)
        }
      }
      if (lines.length > 0) {
        await this.mustRun(['update-index', '-z', '--index-info'], { env, input: lines.join('\0') + '\0' })
      }
      return await this.text(['write-tree'], { env })
    } finally {
      await rm(indexFile, { force: true })
    }
  }

  async commitTree(opts: {
    tree: string
    parents: readonly string[]
    message: string
    author: Identity
    committer: Identity
    signature?: string
  }): Promise<string> {
    if (opts.signature !== undefined) return this.writeSignedCommit(opts)
    const args = ['commit-tree', opts.tree]
    for (const parent of opts.parents) args.push('-p', parent)
    // The message goes through stdin untouched (no -m) so it is stored byte for byte, as GitHub does.
    return this.text(args, {
      input: opts.message,
      env: {
        GIT_AUTHOR_NAME: opts.author.name,
        GIT_AUTHOR_EMAIL: opts.author.email,
        GIT_AUTHOR_DATE: `${opts.author.time} ${opts.author.tz}`,
        GIT_COMMITTER_NAME: opts.committer.name,
        GIT_COMMITTER_EMAIL: opts.committer.email,
        GIT_COMMITTER_DATE: `${opts.committer.time} ${opts.committer.tz}`,
      },
    })
  }

  // commit-tree cannot take a ready-made signature; write the object the way git would.
  private async writeSignedCommit(opts: {
    tree: string
    parents: readonly string[]
    message: string
    author: Identity
    committer: Identity
    signature?: string
  }): Promise<string> {
    const ident = (who: Identity) => `${who.name} <${who.email}> ${who.time} ${who.tz}`
    const headers = [`tree ${opts.tree}`, ...opts.parents.map((p) => `parent ${p}`)]
    headers.push(`author ${ident(opts.author)}`, `committer ${ident(opts.committer)}`)
    const sig = (opts.signature ?? '').replace(/\n$/, '').split('\n')
    headers.push(`gpgsig ${sig.join('\n ')}`)
    const body = `${headers.join('\n')}\n\n${opts.message}`
    return this.text(['hash-object', '-t', 'commit', '-w', '--stdin'], { input: body })
  }

  /** Commits never change: each is read from git once (compare answers list many, again and again). */
  private readonly parsedCommits = new Map<string, Promise<ParsedCommit>>()

  parseCommit(sha: string): Promise<ParsedCommit> {
    let parsed = this.parsedCommits.get(sha)
    if (parsed === undefined) {
      parsed = this.readCommit(sha)
      this.parsedCommits.set(sha, parsed)
      parsed.catch(() => this.parsedCommits.delete(sha))
    }
    return parsed
  }

  private async readCommit(sha: string): Promise<ParsedCommit> {
    const raw = (await this.readObject('commit', sha)).toString('utf8')
    const split = raw.indexOf('\n\n')
    const head = split === -1 ? raw : raw.slice(0, split)
    const message = split === -1 ? '' : raw.slice(split + 2)
    const commit: Partial<ParsedCommit> & { parents: string[] } = { sha, parents: [], message }
    const lines = head.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]
      const space = line.indexOf(' ')
      const key = line.slice(0, space)
      let value = line.slice(space + 1)
      // Multi-line headers (gpgsig) continue on lines that start with a space.
      while (i + 1 < lines.length && lines[i + 1].startsWith(' ')) value += '\n' + lines[++i].slice(1)
      if (key === 'tree') commit.tree = value
      else if (key === 'parent') commit.parents.push(value)
      else if (key === 'author') commit.author = parseIdentity(value)
      else if (key === 'committer') commit.committer = parseIdentity(value)
      else if (key === 'gpgsig') commit.gpgsig = value
    }
    return commit as ParsedCommit
  }

  async readRef(fullRef: string): Promise<string | undefined> {
    // show-ref --verify insists on the exact ref name (rev-parse would also try other spellings).
    const result = await this.run(['show-ref', '--verify', '--hash', fullRef])
    return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined
  }

  /** Refs (full names) starting with `prefix`, with the object each points to. */
  async listRefs(prefix: string): Promise<{ ref: string; sha: string; type: ObjectType }[]> {
    const out = await this.text(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(objecttype)'])
    const refs: { ref: string; sha: string; type: ObjectType }[] = []
    for (const line of out.split('\n')) {
      if (line === '') continue
      const [ref, sha, type] = line.split('\0') as [string, string, ObjectType]
      if (ref.startsWith(prefix)) refs.push({ ref, sha, type })
    }
    return refs
  }

  /**
   * Compare-and-swap: moves `fullRef` to `newSha` only if it still points at `oldSha`
   * (`null` = must not exist yet). False when someone else won.
   */
  async casRef(fullRef: string, newSha: string, oldSha: string | null): Promise<boolean> {
    const result = await this.run(['update-ref', '--no-deref', fullRef, newSha, oldSha ?? ''])
    return result.code === 0
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.run(['merge-base', '--is-ancestor', ancestor, descendant])
    if (result.code > 1) throw new GitCommandError(['merge-base', '--is-ancestor', ancestor, descendant], result)
    return result.code === 0
  }

  async isValidRefName(fullRef: string): Promise<boolean> {
    return (await this.run(['check-ref-format', fullRef])).code === 0
  }

  /** Up to `max` commits reachable from `rev` that changed `path` (any commit without one), newest first. */
  async logPath(rev: string, path: string | undefined, max: number): Promise<ParsedCommit[] | undefined> {
    const result = await this.run(['rev-list', `--max-count=${max}`, rev, '--', ...(path ? [path] : [])])
    if (result.code !== 0) return undefined
    const shas = result.stdout
      .toString('utf8')
      .split('\n')
      .filter((s) => s !== '')
    return Promise.all(shas.map((sha) => this.parseCommit(sha)))
  }

  /** Commits reachable from `rev`, newest first. */
  async log(rev: string): Promise<ParsedCommit[]> {
    const out = await this.text(['rev-list', rev])
    return Promise.all(
      out
        .split('\n')
        .filter((s) => s !== '')
        .map((sha) => this.parseCommit(sha)),
    )
  }

  async changedPaths(from: string, to: string): Promise<string[]> {
    const out = (await this.mustRun(['diff-tree', '-r', '-z', '--no-renames', '--name-only', from, to])).toString(
      'utf8',
    )
    return out.split('\0').filter((p) => p !== '')
  }
}

function parseIdentity(value: string): Identity {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value)
  if (!match) return { name: value, email: '', time: 0, tz: '+0000' }
  return { name: match[1], email: match[2], time: Number(match[3]), tz: match[4] }
}

/** ISO 8601 (what GitHub accepts) → git identity time, keeping the offset. */
export function identityFromIso(who: { name: string; email: string; date?: string }, now: Date): Identity {
  if (who.date === undefined)
    return { name: who.name, email: who.email, time: Math.floor(now.getTime() / 1000), tz: '+0000' }
  const ms = Date.parse(who.date)
  const offset = /([+-])(\d{2}):?(\d{2})$/.exec(who.date)
  const tz = offset ? `${offset[1]}${offset[2]}${offset[3]}` : '+0000'
  return { name: who.name, email: who.email, time: Math.floor(ms / 1000), tz }
}

/** Git identity time → the ISO form GitHub answers with (UTC, `Z`). */
export function isoFromIdentity(who: Identity): string {
  return new Date(who.time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
