// Git trailers (`Key: value` lines in the last paragraph of a commit message, as
// git interpret-trailers reads them), and the source commit a GitOps commit says it deployed:
// Argo CD's `Argocd-reference-commit-sha` / `-repourl` trailers. Pure.

const TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/

/** The trailers of `message`, keys lower-cased, values in order; empty when it has none. */
export function parseTrailers(message: string): Map<string, string[]> {
  const trailers = new Map<string, string[]>()
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .split(/\n[ \t]*\n/)
  // The subject alone is never a trailer block.
  if (paragraphs.length < 2) return trailers
  const lines = paragraphs.at(-1)!.split('\n')
  let last: { key: string; index: number } | undefined
  const found: { key: string; value: string }[] = []
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last !== undefined) {
      // A continuation line folds into the trailer above it.
      found[last.index]!.value += ` ${line.trim()}`
      continue
    }
    const match = TRAILER.exec(line)
    if (match === null) return trailers
    last = { key: match[1]!.toLowerCase(), index: found.length }
    found.push({ key: last.key, value: match[2]!.trim() })
  }
  for (const { key, value } of found) trailers.set(key, [...(trailers.get(key) ?? []), value])
  return trailers
}

export interface SourceReference {
  /** The source commit the GitOps commit deployed (40 hex). */
  readonly sha: string
  /** The source repository's URL, as the trailer gives it. */
  readonly repoUrl?: string
}

/** The source commit a GitOps commit message names, or undefined without a usable trailer. */
export function sourceReference(message: string): SourceReference | undefined {
  const trailers = parseTrailers(message)
  const sha = trailers.get('argocd-reference-commit-sha')?.at(-1)?.toLowerCase()
  if (sha === undefined || !/^[0-9a-f]{40}$/.test(sha)) return undefined
  const repoUrl = trailers.get('argocd-reference-commit-repourl')?.at(-1)
  return { sha, ...(repoUrl !== undefined && repoUrl !== '' && { repoUrl }) }
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
