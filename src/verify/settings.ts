// The verification inputs (Argo CD, commit statuses, smoke tests, revert, GitHub deployment), read
// and checked up front like every other input, so a typo fails the run before anything is pushed.
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import { isHttpsOrLoopback } from '../image/reference.js'
import { durationInput as parseDurationInput } from '../util/duration.js'
import { list, secretInput } from '../util/inputs.js'

export interface ArgoApplicationRef {
  readonly name: string
  /** The `appNamespace` query parameter; undefined: Argo CD's own namespace. */
  readonly namespace?: string
}

export type ArgoAuth =
  { readonly kind: 'token'; readonly token: string } | { readonly kind: 'oidc'; readonly audience: string }

export interface ArgoCdSettings {
  /** Without a trailing slash; may carry a path prefix. */
  readonly server: string
  readonly applications: readonly ArgoApplicationRef[]
  readonly auth: ArgoAuth
}

export interface VerifySettings {
  /** Undefined when `argocd-server` is empty: commit statuses alone verify. */
  readonly argocd?: ArgoCdSettings
  /** `verify-commit-status`: context patterns (`*` matches any characters); empty: none. */
  readonly commitStatuses: readonly string[]
  readonly timeoutMs: number
  readonly smokeTestUrls: readonly string[]
  readonly smokeTestTimeoutMs: number
  readonly onFailure: 'fail' | 'revert'
  readonly environment?: string
  readonly sourceToken: string
}

// Kubernetes object names (DNS-1123 subdomain) and namespaces (DNS-1123 label).
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/

const ARGOCD_ONLY = ['argocd-application', 'argocd-token', 'argocd-oidc-audience']
const VERIFY_ONLY = ['smoke-test-url']

/**
 * `{ verify }` for the Settings object (empty without `argocd-server` and `verify-commit-status`),
 * and in `mode: pr` the `environment` whose deployment waits for the pull request to merge.
 * `merging`: pr mode with `merge`, which deploys the merge commit, so verification applies to it.
 */
export function readVerifyInputs(
  mode: 'pr' | 'push' | 'verify',
  merging = false,
): {
  verify?: VerifySettings
  queuedDeployment?: { environment: string; sourceToken: string }
} {
  const environment = core.getInput('environment').trim()
  const sourceToken = secretInput('source-token')
  const verifies = core.getInput('argocd-server').trim() !== '' || core.getInput('verify-commit-status').trim() !== ''
  if (mode === 'pr' && !verifies && environment !== '') {
    if (sourceToken === '') {
      throw new InputError('source-token', 'is empty; the GitHub deployment for `environment` needs a token.')
    }
    return { queuedDeployment: { environment, sourceToken } }
  }
  const verify = readVerifySettings(mode, merging)
  return verify === undefined ? {} : { verify }
}

/**
 * The verification settings, or undefined when neither `argocd-server` nor `verify-commit-status` is set.
 * `merging`: pr mode with `merge`, which deploys the merge commit, so verification applies to it.
 */
export function readVerifySettings(mode: 'pr' | 'push' | 'verify', merging = false): VerifySettings | undefined {
  // Masked before anything else can print them.
  const token = secretInput('argocd-token')
  const sourceToken = secretInput('source-token')

  const serverInput = core.getInput('argocd-server').trim()
  const commitStatuses = readCommitStatuses()
  if (serverInput === '') {
    const stray = ARGOCD_ONLY.find((name) => core.getInput(name).trim() !== '')
    if (stray !== undefined) {
      throw new InputError(stray, 'only applies to verification with Argo CD: set `argocd-server` as well.')
    }
  }
  if (serverInput === '' && commitStatuses.length === 0) {
    if (mode === 'verify') {
      throw new InputError(
        'mode',
        '`verify` needs something to wait for: set `argocd-server` and `argocd-application`, or `verify-commit-status`.',
      )
    }
    const stray = [...VERIFY_ONLY, 'environment'].find((name) => core.getInput(name).trim() !== '')
    if (stray !== undefined) {
      throw new InputError(
        stray,
        'only applies to verification: set `argocd-server` or `verify-commit-status` as well.',
      )
    }
    if ((core.getInput('on-failure').trim() || 'fail') !== 'fail') {
      throw new InputError(
        'on-failure',
        'only applies to verification: set `argocd-server` or `verify-commit-status` as well.',
      )
    }
    return undefined
  }
  if (mode === 'pr' && !merging) {
    const input = serverInput !== '' ? 'argocd-server' : 'verify-commit-status'
    throw new InputError(
      input,
      'verification in `mode: pr` needs `merge` (e.g. `merge: squash`: the action merges the pull request and verifies the merge commit), ' +
        'or `mode: verify` in the GitOps repository once the pull request is merged: with `mode: pr` alone nothing is deployed until someone merges it. ' +
        'Set `merge`, use `mode: push`, or remove the verification inputs.',
    )
  }
  const environment = core.getInput('environment').trim()
  if (environment !== '' && sourceToken === '') {
    throw new InputError('source-token', 'is empty; the GitHub deployment for `environment` needs a token.')
  }
  return {
    ...(serverInput !== '' && { argocd: readArgoCd(serverInput, token) }),
    commitStatuses,
    timeoutMs: durationInput('verify-timeout', '10m'),
    smokeTestUrls: readSmokeTests(),
    smokeTestTimeoutMs: durationInput('smoke-test-timeout', '2m'),
    onFailure: onFailure(),
    ...(environment !== '' && { environment }),
    sourceToken,
  }
}

function readCommitStatuses(): string[] {
  const items = list(core.getInput('verify-commit-status'))
  for (const item of items) {
    if (item.replace(/\*/g, '').trim() === '') {
      throw new InputError(
        'verify-commit-status',
        `"${item}" is not a commit status context: use the context a controller posts, e.g. \`continuous-delivery/backend\` ` +
          'or `kustomization/apps/*` (`*` matches any characters; at least one other character).',
      )
    }
  }
  return [...new Set(items)]
}

function readArgoCd(serverInput: string, token: string): ArgoCdSettings {
  const server = serverUrl(serverInput)
  const applications = readApplications()
  const audience = core.getInput('argocd-oidc-audience').trim()
  if (token !== '' && audience !== '') {
    throw new InputError('argocd-oidc-audience', 'and `argocd-token` are both set; use one of them.')
  }
  if (token === '' && audience === '') {
    throw new InputError(
      'argocd-token',
      'is empty. Pass an Argo CD project-role token or API key from a secret (`argocd-token: ${{ secrets.ARGOCD_TOKEN }}`), ' +
        'or set `argocd-oidc-audience` for an Argo CD that accepts GitHub OIDC tokens.',
    )
  }
  return { server, applications, auth: token !== '' ? { kind: 'token', token } : { kind: 'oidc', audience } }
}

function serverUrl(value: string): string {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new InputError(
      'argocd-server',
      `"${value}" is not a URL; use the Argo CD address, e.g. https://argocd.example.com.`,
    )
  }
  // The token travels there: plain http only to the machine itself.
  if (!isHttpsOrLoopback(parsed)) {
    throw new InputError('argocd-server', `"${value}" must be an https URL.`)
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new InputError('argocd-server', `"${value}" must not carry a query or fragment.`)
  }
  return value.replace(/\/+$/, '')
}

function readApplications(): ArgoApplicationRef[] {
  const items = list(core.getInput('argocd-application'))
  if (items.length === 0) {
    throw new InputError('argocd-application', 'is required with `argocd-server`: name the Argo CD Application(s).')
  }
  const seen = new Set<string>()
  return items.flatMap((item) => {
    const parts = item.split('/')
    const [namespace, name] = parts.length === 2 ? parts : [undefined, parts[0]]
    if (
      parts.length > 2 ||
      name === undefined ||
      !NAME.test(name) ||
      (namespace !== undefined && !NAMESPACE.test(namespace))
    ) {
      throw new InputError(
        'argocd-application',
        `"${item}" is not an application name: use NAME, or NAMESPACE/NAME for an application outside Argo CD's namespace.`,
      )
    }
    if (seen.has(item)) return []
    seen.add(item)
    return [{ name, ...(namespace !== undefined && { namespace }) }]
  })
}

function readSmokeTests(): string[] {
  return core
    .getInput('smoke-test-url')
    .split('\n')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      let parsed: URL
      try {
        parsed = new URL(item)
      } catch {
        throw new InputError('smoke-test-url', `"${item}" is not a URL; put one http(s) URL per line.`)
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new InputError('smoke-test-url', `"${item}" must be an http or https URL.`)
      }
      return item
    })
}

function durationInput(name: string, fallback: string): number {
  return parseDurationInput(name, core.getInput(name), fallback)
}

function onFailure(): 'fail' | 'revert' {
  const value = core.getInput('on-failure').trim() || 'fail'
  if (value === 'fail' || value === 'revert') return value
  throw new InputError('on-failure', `"${value}" is not one of "fail", "revert".`)
}
