// The verification inputs (Argo CD, smoke tests, revert, GitHub deployment), read and checked
// up front like every other input, so a typo fails the run before anything is pushed.
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import { isHttpsOrLoopback } from '../image/reference.js'
import { maskSecret } from '../secrets.js'
import { durationInput as parseDurationInput } from '../util/duration.js'

export interface ArgoApplicationRef {
  readonly name: string
  /** The `appNamespace` query parameter; undefined: Argo CD's own namespace. */
  readonly namespace?: string
}

export type ArgoAuth =
  { readonly kind: 'token'; readonly token: string } | { readonly kind: 'oidc'; readonly audience: string }

export interface VerifySettings {
  /** Without a trailing slash; may carry a path prefix. */
  readonly server: string
  readonly applications: readonly ArgoApplicationRef[]
  readonly auth: ArgoAuth
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

const VERIFY_ONLY = ['argocd-application', 'argocd-token', 'argocd-oidc-audience', 'smoke-test-url', 'environment']

/** `{ verify }` for the Settings object; empty when `argocd-server` is empty (no verification). */
export function readVerifyInputs(mode: 'pr' | 'push', merging = false): { verify?: VerifySettings } {
  const verify = readVerifySettings(mode, merging)
  return verify === undefined ? {} : { verify }
}

/** The verification settings, or undefined when `argocd-server` is empty (no verification). */
/** `merging`: pr mode with `merge`, which deploys the merge commit, so verification applies to it. */
export function readVerifySettings(mode: 'pr' | 'push', merging = false): VerifySettings | undefined {
  const token = core.getInput('argocd-token').trim()
  // Masked before anything else can print them.
  maskSecret(token)
  const sourceToken = core.getInput('source-token').trim()
  maskSecret(sourceToken)

  const serverInput = core.getInput('argocd-server').trim()
  if (serverInput === '') {
    const stray = VERIFY_ONLY.find((name) => core.getInput(name).trim() !== '')
    if (stray !== undefined) {
      throw new InputError(stray, 'only applies to verification with Argo CD: set `argocd-server` as well.')
    }
    if ((core.getInput('on-failure').trim() || 'fail') !== 'fail') {
      throw new InputError('on-failure', 'only applies to verification with Argo CD: set `argocd-server` as well.')
    }
    return undefined
  }
  if (mode !== 'push' && !merging) {
    throw new InputError(
      'argocd-server',
      'verification in `mode: pr` needs `merge` (e.g. `merge: squash`): without it nothing is deployed until someone merges the pull request. ' +
        'Set `merge` so the action merges and verifies the merge commit, verify in a later run with `mode: verify` once the pull request is merged, ' +
        'use `mode: push`, or remove the Argo CD inputs.',
    )
  }
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
  const environment = core.getInput('environment').trim()
  if (environment !== '' && sourceToken === '') {
    throw new InputError('source-token', 'is empty; the GitHub deployment for `environment` needs a token.')
  }
  return {
    server,
    applications,
    auth: token !== '' ? { kind: 'token', token } : { kind: 'oidc', audience },
    timeoutMs: durationInput('verify-timeout', '10m'),
    smokeTestUrls: readSmokeTests(),
    smokeTestTimeoutMs: durationInput('smoke-test-timeout', '2m'),
    onFailure: onFailure(),
    ...(environment !== '' && { environment }),
    sourceToken,
  }
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
  const items = core
    .getInput('argocd-application')
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
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
