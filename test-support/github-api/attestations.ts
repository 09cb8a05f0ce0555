// Artifact attestations for the GitHub stand-in: `GET /repos/{owner}/{repo}/attestations/{subject_digest}`
// answers the Sigstore bundles a test stored for that repository and digest, a page at a time with
// GitHub's cursor pagination (`per_page`, `after`, a Link header), and 404 when there are none, as
// GitHub does. Like deployments, any repository the token reaches may hold them.
import { createHash } from 'node:crypto'
import type { Reply } from './handlers.js'
import { ApiError } from './handlers.js'
import type { Site } from './shapes.js'

export const ATTESTATION_OPERATIONS = ['repos/list-attestations'] as const

export type AttestationOperation = (typeof ATTESTATION_OPERATIONS)[number]

export function isAttestationOperation(operationId: string): operationId is AttestationOperation {
  return (ATTESTATION_OPERATIONS as readonly string[]).includes(operationId)
}

const DEFAULT_PAGE = 30
const MAX_PAGE = 100

export class AttestationsModel {
  private readonly stored = new Map<string, unknown[]>()

  constructor(private readonly site: () => Site) {}

  /** Stores a bundle (as GitHub serves it) for `digest` in `repository` (`owner/name`). */
  add(repository: string, digest: string, bundle: unknown): void {
    const key = this.key(repository, digest)
    this.stored.set(key, [...(this.stored.get(key) ?? []), bundle])
  }

  clear(): void {
    this.stored.clear()
  }

  handle(_operationId: AttestationOperation, params: Record<string, string>, query: URLSearchParams): Reply {
    const repository = `${params.owner}/${params.repo}`
    const digest = params.subject_digest ?? ''
    const all = this.stored.get(this.key(repository, digest)) ?? []
    if (all.length === 0) throw new ApiError(404, 'Not Found')
    const perPage = Math.min(Number(query.get('per_page') ?? DEFAULT_PAGE) || DEFAULT_PAGE, MAX_PAGE)
    const start = query.has('after') ? decodeCursor(query.get('after')!) : 0
    const page = all.slice(start, start + perPage)
    const repositoryId = repositoryIdOf(repository)
    const headers: Record<string, string> = {}
    if (start + perPage < all.length) {
      const next = new URL(`${this.site().api}/repos/${repository}/attestations/${digest}`)
      next.searchParams.set('per_page', String(perPage))
      next.searchParams.set('after', encodeCursor(start + perPage))
      headers.link = `<${next.toString()}>; rel="next"`
    }
    return {
      status: 200,
      json: { attestations: page.map((bundle) => ({ bundle, repository_id: repositoryId })) },
      headers,
    }
  }

  private key(repository: string, digest: string): string {
    return `${repository.toLowerCase()} ${digest}`
  }
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url')
}

function decodeCursor(cursor: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m) throw new ApiError(400, 'Invalid cursor')
  return Number(m[1])
}

function repositoryIdOf(repository: string): number {
  return 600_000_000 + (createHash('sha256').update(repository.toLowerCase()).digest().readUInt32BE(0) % 1_000_000)
}
