// Registry failures as one line that names the registry, the repository and the operation, and
// says what to change. Tokens never reach these messages: bodies are the registry's own error
// JSON, and known secrets are scrubbed anyway.

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
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'RegistryError'
  }
}

/** A 401 that a fresh token may cure: the caller re-authenticates and restarts. */
export class UnauthorizedError extends RegistryError {
  constructor(message: string) {
    super(message, 401)
    this.name = 'UnauthorizedError'
  }
}

/** A 5xx/429 the caller chose not to retry in place (its body stream is spent). */
export class TransientStatusError extends RegistryError {
  constructor(
    message: string,
    status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, status)
    this.name = 'TransientStatusError'
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

/** Replaces every known secret in `text`; a belt to the braces of never formatting one in. */
export function redact(text: string, secrets: Iterable<string>): string {
  let result = text
  for (const secret of secrets) {
    if (secret.length >= 8) result = result.split(secret).join('***')
  }
  return result
}
