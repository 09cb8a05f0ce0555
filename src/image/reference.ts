// Container image references as Docker and Kubernetes read them
// (github.com/distribution/reference grammar), kept apart from any I/O.

/** A parsed image reference. `repository` keeps the user's spelling; `registry`/`path` are normalized. */
export interface ImageReference {
  /** Repository exactly as written, without tag or digest: `nginx`, `europe-docker.pkg.dev/p/r/app`. */
  readonly repository: string
  /** Registry host (and port) after Docker's normalization: `docker.io` when none is written. */
  readonly registry: string
  /** Path inside the registry after normalization: `library/nginx` for `nginx`. */
  readonly path: string
  readonly tag?: string
  /** `sha256:` + 64 lowercase hex digits. */
  readonly digest?: string
}

const DOCKER_HUB = 'docker.io'
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^sha256:[a-f0-9]{64}$/
const MAX_NAME_LENGTH = 255

export class InvalidReferenceError extends Error {
  constructor(reference: string, reason: string) {
    super(`"${reference}" is not a valid image reference: ${reason}`)
    this.name = 'InvalidReferenceError'
  }
}

/** `text` cut at `at` (-1: not at all) into what precedes and the suffix after it, which must match `valid`. */
function cutSuffix(
  reference: string,
  text: string,
  at: number,
  valid: RegExp,
  reason: (suffix: string) => string,
): [string, string | undefined] {
  if (at < 0) return [text, undefined]
  const suffix = text.slice(at + 1)
  if (!valid.test(suffix)) throw new InvalidReferenceError(reference, reason(suffix))
  return [text.slice(0, at), suffix]
}

/** Parses `[HOST[:PORT]/]PATH[:TAG][@sha256:HEX]`. Throws InvalidReferenceError with the reason. */
export function parseImageReference(text: string): ImageReference {
  const reference = text.trim()
  if (reference === '') throw new InvalidReferenceError(text, 'it is empty')

  // The digest after '@', then the tag after the last ':' of the last path segment.
  const [named, digest] = cutSuffix(reference, reference, reference.indexOf('@'), DIGEST, (digest) => {
    return `the digest "${digest}" must be sha256: followed by 64 lowercase hex digits`
  })
  const [repository, tag] = cutSuffix(reference, named, named.indexOf(':', named.lastIndexOf('/') + 1), TAG, (tag) => {
    return `the tag "${tag}" may hold only letters, digits, "_", "." and "-" (at most 128, not starting with "." or "-")`
  })

  if (repository === '') throw new InvalidReferenceError(reference, 'the repository name is missing')
  if (repository.length > MAX_NAME_LENGTH) {
    throw new InvalidReferenceError(reference, `the repository name is longer than ${MAX_NAME_LENGTH} characters`)
  }

  const [registry, path] = splitRegistry(repository)
  if (!HOST.test(registry)) throw new InvalidReferenceError(reference, `"${registry}" is not a valid registry host`)
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      throw new InvalidReferenceError(
        reference,
        component === ''
          ? 'the repository path has an empty component'
          : `the path component "${component}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`,
      )
    }
  }
  return { repository, registry, path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) }
}

function splitRegistry(repository: string): [string, string] {
  const slash = repository.indexOf('/')
  const first = slash < 0 ? '' : repository.slice(0, slash)
  // Docker treats the first component as a host only when it looks like one.
  const isHost =
    first !== '' &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())
  if (!isHost) {
    return [DOCKER_HUB, slash < 0 ? `library/${repository}` : repository]
  }
  const host = first === 'index.docker.io' ? DOCKER_HUB : first
  const path = repository.slice(slash + 1)
  return [host, host === DOCKER_HUB && !path.includes('/') ? `library/${path}` : path]
}

/** `registry/path`: the identity two references share when they name the same repository. */
export function normalizedRepository(reference: ImageReference): string {
  return `${reference.registry}/${reference.path}`
}

/** `repository[:tag][@digest]` in the user's spelling. */
export function formatReference(reference: ImageReference): string {
  return (
    reference.repository + (reference.tag ? `:${reference.tag}` : '') + (reference.digest ? `@${reference.digest}` : '')
  )
}

/** The form written into manifests: `repository:tag@digest` when a tag is known, else `repository@digest`. */
export function pinnedReference(reference: ImageReference, digest: string): string {
  return formatReference({ ...reference, digest })
}

/** The last path segment: `backend` for `europe-docker.pkg.dev/acme/apps/backend`. */
export function imageName(reference: ImageReference): string {
  return reference.path.slice(reference.path.lastIndexOf('/') + 1)
}

/** The first 12 hex digits of a digest, as `docker images` shows them. */
export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12)
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value)
}

/** Loopback registries may be plain HTTP; every other one is HTTPS. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '')
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

/**
 * The one rule for every URL a credential travels to (Google endpoints, Argo CD, a registry's
 * token realm): https, or plain http to this machine only.
 */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.host))
}
