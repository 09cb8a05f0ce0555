// Registry failures as one line that names the registry, the repository and the operation, and
// says what to change. Tokens never reach these messages: bodies are the registry's own error
// JSON, and known secrets are scrubbed anyway (`scrubSecrets`, src/secrets.ts).

export type Access = 'pull' | 'push'

export interface RegistryTarget {
  readonly registry: string
  readonly repository: string
}

export class RegistryError extends Error {
  constructor(
    message: string,
    /** HTTP status, when the registry answered. */
    readonly status?: number,
    options?: ErrorOptions & { retryAfterMs?: number | undefined },
  ) {
    super(message, options)
    this.name = 'RegistryError'
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }

  /** The registry's `Retry-After`, read by `transientFailure`. */
  readonly retryAfterMs?: number
}

/** A 401 that a fresh token may cure: the caller re-authenticates and restarts. */
export class UnauthorizedError extends RegistryError {
  constructor(message: string) {
    super(message, 401)
    this.name = 'UnauthorizedError'
  }
}

export function role(access: Access): string {
  return access === 'push' ? 'roles/artifactregistry.writer' : 'roles/artifactregistry.reader'
}

/** What to change for a status, or '' when the status says it all. */
export function remedy(status: number, access: Access, hasCredentials: boolean, code?: string): string {
  if (status === 401) {
    return hasCredentials
      ? `The registry did not accept the credentials: check the Google Cloud authentication inputs; the principal needs ${role(access)} on the repository.`
      : 'No credentials were configured: set workload-identity-provider (and service-account), or GOOGLE_APPLICATION_CREDENTIALS, so the action can authenticate.'
  }
  if (status === 403) return `The principal needs ${role(access)} on the repository.`
  if (status === 404 && code === 'NAME_UNKNOWN') {
    return 'Check that the repository exists (Artifact Registry: gcloud artifacts repositories create) and that the image path is right.'
  }
  return ''
}

/** `CODE: message` pairs from an OCI error body, or a short raw excerpt. */
export function registryErrorDetail(body: Buffer): { text: string; code?: string } {
  if (body.length === 0) return { text: '' }
  const raw = body.subarray(0, 4096).toString('utf8')
  try {
    const parsed = JSON.parse(raw) as { errors?: { code?: unknown; message?: unknown }[] }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const first = parsed.errors[0]!
      const text = parsed.errors
        .map((e) => [e.code, e.message].filter((part) => typeof part === 'string' && part !== '').join(': '))
        .filter((part) => part !== '')
        .join('; ')
      return { text: truncate(text), ...(typeof first.code === 'string' && { code: first.code }) }
    }
  } catch {
    // not JSON: fall through to the raw excerpt
  }
  return { text: truncate(raw.replace(/\s+/g, ' ').trim()) }
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

export function statusFailure(
  target: RegistryTarget,
  operation: string,
  status: number,
  body: Buffer,
  access: Access,
  hasCredentials: boolean,
): string {
  const detail = registryErrorDetail(body)
  const hint = remedy(status, access, hasCredentials, detail.code)
  return `${where(target)}: ${operation} failed with HTTP ${status}${detail.text ? ` (${detail.text})` : ''}.${hint ? ` ${hint}` : ''}`
}

export function where(target: RegistryTarget): string {
  return `Registry ${target.registry}, repository ${target.repository}`
}
