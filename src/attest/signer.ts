// The `attestation-signer` input and the test of a certificate's signer workflow against it.
// Pure: strings in, strings out. A GitHub Actions signing certificate names the workflow that
// signed as `SERVER/OWNER/REPO/.github/workflows/FILE.yml@REF`, in its subject alternative name
// and again in the Build Signer URI extension; a reusable workflow is named there, not its caller.

/** The workflow that must have signed, parsed from `OWNER/REPO/.github/workflows/FILE.yml[@REF]`. */
export interface SignerWorkflow {
  /** `owner/repo` of the workflow file, lowercase (GitHub names are case-insensitive). */
  readonly repository: string
  /** `.github/workflows/FILE.yml`, as written. */
  readonly path: string
  /** The ref as written (`refs/heads/main`, `refs/tags/v*`); undefined: any ref. */
  readonly ref?: string
  /** The input as the user wrote it, for messages. */
  readonly text: string
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/
const WORKFLOW_PATH = /^\.github\/workflows\/[^/@*]+\.ya?ml$/

/** Parses the input; throws an Error whose message says what is wrong and what to write instead. */
export function parseSignerWorkflow(value: string): SignerWorkflow {
  const text = value.trim().replace(/^https:\/\/[^/]+\//, '')
  const at = text.indexOf('@')
  const location = at === -1 ? text : text.slice(0, at)
  const ref = at === -1 ? undefined : text.slice(at + 1)
  const parts = location.split('/')
  const repository = parts.slice(0, 2).join('/')
  const path = parts.slice(2).join('/')
  const example =
    'write OWNER/REPO/.github/workflows/FILE.yml, optionally followed by @refs/heads/main or @refs/tags/v*'
  if (!REPOSITORY.test(repository) || !WORKFLOW_PATH.test(path)) {
    throw new Error(`"${value.trim()}" is not a workflow: ${example}.`)
  }
  if (ref !== undefined && !/^refs\/[^\s@]+$/.test(ref) && ref !== '*') {
    throw new Error(
      `"${value.trim()}" names the ref "${ref}": give a full ref (refs/heads/${ref || 'main'}, refs/tags/…, a * glob), or none for any ref.`,
    )
  }
  return {
    repository: repository.toLowerCase(),
    path,
    ...(ref !== undefined && ref !== '*' && { ref }),
    text: value.trim(),
  }
}

/** `OWNER/REPO/.github/workflows/FILE.yml@REF` of a signer URI from `serverUrl`, or undefined for another host. */
export function workflowOfUri(uri: string, serverUrl: string): string | undefined {
  const prefix = `${serverUrl.replace(/\/+$/, '')}/`
  if (!uri.toLowerCase().startsWith(prefix.toLowerCase())) return undefined
  return uri.slice(prefix.length)
}

/** Whether a signer URI (`https://github.com/o/r/.github/workflows/f.yml@refs/heads/main`) is the expected workflow. */
export function matchesSigner(expected: SignerWorkflow, uri: string, serverUrl: string): boolean {
  const workflow = workflowOfUri(uri, serverUrl)
  if (workflow === undefined) return false
  const at = workflow.indexOf('@')
  if (at === -1) return false
  const parts = workflow.slice(0, at).split('/')
  const repository = parts.slice(0, 2).join('/').toLowerCase()
  const path = parts.slice(2).join('/')
  if (repository !== expected.repository || path !== expected.path) return false
  return expected.ref === undefined || refPattern(expected.ref).test(workflow.slice(at + 1))
}

/** `*` stands for any run of characters, slashes included (`refs/heads/release/*`, `refs/tags/v*`). */
function refPattern(ref: string): RegExp {
  const escaped = ref.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`)
}
