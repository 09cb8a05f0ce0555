// Argo CD's reference trailers: the last paragraph of a GitOps commit's message names the source
// commit it deploys, and Argo CD shows it in the revision's metadata (CommitMetadata of the
// Application's revision). Pure: builds and reads the lines; git's own `interpret-trailers
// --parse` reads them back unchanged (__tests__/provenance/trailers.test.ts).

/** What is known of the source commit a GitOps commit deploys; a field left undefined is not written. */
export interface SourceCommit {
  /** `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY`. */
  readonly repoUrl?: string
  /** The full commit sha. */
  readonly sha?: string
  /** `Name <email>`, as Go's mail.Address formats it (Argo CD parses it back with mail.ParseAddress). */
  readonly author?: string
  /** The first line of the message. */
  readonly subject?: string
  /** The rest of the message after the subject and its blank line (`git show -s --format=%b`), plain text. */
  readonly body?: string
  /** ISO 8601 / RFC 3339, like `git show -s --format=%aI`. */
  readonly date?: string
}

export const TRAILER_PREFIX = 'Argocd-reference-commit-'

/** Trailer key suffix for each field, in the order they are written. */
const KEYS = [
  ['repoUrl', 'repourl'],
  ['sha', 'sha'],
  ['author', 'author'],
  ['subject', 'subject'],
  ['body', 'body'],
  ['date', 'date'],
] as const satisfies readonly (readonly [keyof SourceCommit, string])[]

const TOKEN_LINE = /^[A-Za-z0-9][A-Za-z0-9-]*: \S/
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/** `Key: value` lines for the known fields; empty when nothing is known. */
export function referenceTrailers(source: SourceCommit): string[] {
  const lines: string[] = []
  for (const [field, suffix] of KEYS) {
    const value = trailerValue(field, source[field])
    if (value !== undefined) lines.push(`${TRAILER_PREFIX}${suffix}: ${value}`)
  }
  return lines
}

/**
 * `message` with the reference trailers as its last paragraph. A message whose last paragraph is
 * already trailers (`Co-authored-by: …`) keeps them in the same block, so git and GitHub still
 * read them as trailers.
 */
export function withReferenceTrailers(message: string, source: SourceCommit): string {
  const lines = referenceTrailers(source)
  const text = message.replace(/\s+$/, '')
  if (lines.length === 0) return text
  if (text === '') return lines.join('\n')
  const paragraphs = text.split(/\n[ \t]*\n/)
  const last = paragraphs.at(-1)!.split('\n')
  const joinsBlock = paragraphs.length > 1 && last.every((line) => TOKEN_LINE.test(line))
  return `${text}${joinsBlock ? '\n' : '\n\n'}${lines.join('\n')}`
}

/**
 * The reference trailers of a commit message, as Argo CD reads them: only from the last paragraph,
 * and only values that are well-formed (an unparsable body or a malformed sha is dropped, not guessed).
 */
export function parseReferenceTrailers(message: string): SourceCommit {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .replace(/\s+$/, '')
    .split(/\n[ \t]*\n/)
  if (paragraphs.length < 2) return {}
  const found: Record<string, string> = {}
  for (const line of paragraphs.at(-1)!.split('\n')) {
    const match = /^([A-Za-z0-9-]+):[ \t]*(.*?)\s*$/.exec(line)
    if (match === null) continue
    const [, key, value] = match as unknown as [string, string, string]
    if (!key.toLowerCase().startsWith(TRAILER_PREFIX.toLowerCase())) continue
    const suffix = key.slice(TRAILER_PREFIX.length).toLowerCase()
    const entry = KEYS.find(([, name]) => name === suffix)
    if (entry === undefined) continue
    const parsed = readValue(entry[0], value)
    if (parsed !== undefined) found[entry[0]] = parsed
  }
  return found as SourceCommit
}

/** Whether a trailer's repository URL names `owner/name` on `serverUrl` (https or .git forms alike). */
export function namesRepository(repoUrl: string, serverUrl: string, repository: string): boolean {
  const normal = (url: string) =>
    url
      .trim()
      .toLowerCase()
      .replace(/^git@([^:]+):/, 'https://$1/')
      .replace(/^[a-z+]+:\/\//, '')
      .replace(/\.git$/, '')
      .replace(/\/+$/, '')
  return normal(repoUrl) === normal(`${serverUrl}/${repository}`)
}

/** Whether the message names a source commit (repository and sha), enough to find its deployment. */
export function namesSource(source: SourceCommit): source is SourceCommit & { repoUrl: string; sha: string } {
  return source.repoUrl !== undefined && source.sha !== undefined
}

function trailerValue(field: keyof SourceCommit, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  switch (field) {
    case 'body': {
      const body = raw.replace(/^\s*\n/, '').replace(/\s+$/, '')
      // JSON keeps the body on one line (newlines become \n), which a trailer needs.
      return body === '' ? undefined : JSON.stringify(body)
    }
    case 'sha':
      return SHA.test(raw) ? raw : undefined
    case 'date':
      return Number.isNaN(Date.parse(raw)) ? undefined : raw.trim()
    default: {
      // A trailer is one line; a value spanning lines is not what was asked for: leave it out.
      const value = raw.trim()
      return value === '' || /[\r\n]/.test(value) ? undefined : value
    }
  }
}

function readValue(field: keyof SourceCommit, value: string): string | undefined {
  if (value === '') return undefined
  if (field === 'body') {
    try {
      const parsed: unknown = JSON.parse(value)
      return typeof parsed === 'string' ? parsed : undefined
    } catch {
      return undefined
    }
  }
  if (field === 'sha') return SHA.test(value) ? value : undefined
  return value
}

/** `Name <email>` the way Go's mail.Address.String() writes it: the name quoted when it needs to be. */
export function formatAuthor(name: string | undefined, email: string | undefined): string | undefined {
  const mail = email?.trim()
  if (mail === undefined || mail === '' || /[\s<>]/.test(mail)) return undefined
  const display = name?.trim() ?? ''
  if (display === '') return `<${mail}>`
  // RFC 5322 atext and spaces pass as they are; anything else is a quoted-string.
  const plain = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(display) && !/ {2}/.test(display)
  return plain ? `${display} <${mail}>` : `"${display.replace(/["\\]/g, '\\$&')}" <${mail}>`
}

/** Splits a commit message into its subject (first line) and body (after the blank line). */
export function splitMessage(message: string): { subject?: string; body?: string } {
  const [first = '', ...rest] = message.replace(/\r\n/g, '\n').split('\n')
  const subject = first.trim()
  const body = rest
    .join('\n')
    .replace(/^\s*\n/, '')
    .replace(/\s+$/, '')
  return { ...(subject !== '' && { subject }), ...(body !== '' && { body }) }
}
