// Before anything is pushed or committed: every application answers, the token is accepted, and
// each application deploys from the GitOps repository and branch this run writes to. Otherwise
// the run would commit and then wait for a deploy that can never come.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { type Application, type ApplicationSource, sourcesOf } from './application.js'
import { type ArgoCdClient, ArgoCdError } from './argocd.js'
import type { ArgoApplicationRef, ArgoCdSettings } from './settings.js'

/** What the run writes to, in plain data. */
export interface GitOpsTarget {
  /** `owner/name`. */
  readonly repository: string
  readonly base: string
  /** True when `base` came from the repository's default branch (then `HEAD` matches it too). */
  readonly baseIsDefault: boolean
  /** GITHUB_SERVER_URL, e.g. https://github.com. */
  readonly serverUrl: string
  /** The manifest files the run may change, relative to the repository root. */
  readonly files: readonly string[]
}

export interface CheckedApplication {
  readonly ref: ArgoApplicationRef
  /** Index into sourcesOf(app) of the source that reads the GitOps repository. */
  readonly sourceIndex: number
  readonly namespace?: string
  readonly uiUrl: string
}

export class PreflightError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PreflightError'
  }
}

export async function checkApplications(
  client: ArgoCdClient,
  settings: ArgoCdSettings,
  target: GitOpsTarget,
): Promise<CheckedApplication[]> {
  const checked: CheckedApplication[] = []
  for (const ref of settings.applications) {
    let app: Application
    try {
      app = await client.getApplication(ref, false)
    } catch (error) {
      throw new PreflightError(readFailure(ref, settings, error))
    }
    const result = matchSource(app, ref, target)
    if (typeof result === 'string') throw new PreflightError(result)
    const namespace = app.metadata?.namespace
    const uiUrl = client.uiUrl(ref, namespace)
    core.info(`Argo CD application ${label(ref)} deploys ${target.repository}@${target.base}: ${uiUrl}`)
    if (app.spec?.syncPolicy?.automated == null) {
      core.warning(
        `Argo CD application ${label(ref)} has no automated sync policy: the wait ends only when someone syncs it. ` +
          'Enable `spec.syncPolicy.automated`, or sync it by hand within verify-timeout.',
      )
    }
    checked.push({ ref, sourceIndex: result, ...(namespace !== undefined && { namespace }), uiUrl })
  }
  return checked
}

export function label(ref: ArgoApplicationRef): string {
  return ref.namespace === undefined ? `"${ref.name}"` : `"${ref.namespace}/${ref.name}"`
}

/** Why the application could not be read, and what to change. */
function readFailure(ref: ArgoApplicationRef, settings: ArgoCdSettings, error: unknown): string {
  const status = error instanceof ArgoCdError ? error.status : undefined
  const what = `Argo CD application ${label(ref)} at ${settings.server}`
  const credential =
    settings.auth.kind === 'token'
      ? '`argocd-token`'
      : `the GitHub OIDC token (audience "${settings.auth.audience}"; check that Argo CD trusts GitHub's issuer with this audience)`
  if (status === 401) {
    return `Could not read ${what}: Argo CD rejected ${credential} (${errorMessage(error)}). Pass a valid, unexpired project-role token or API key.`
  }
  if (status === 403 || status === 404) {
    // Argo CD answers "permission denied" both for an application that does not exist and for
    // one the token may not read, so that tokens cannot probe names.
    return (
      `Could not read ${what} (${errorMessage(error)}). Either no application of that name exists` +
      `${ref.namespace === undefined ? " in Argo CD's namespace" : ` in namespace ${ref.namespace}`}, or ${credential} may not read it. ` +
      "Check `argocd-application` (NAMESPACE/NAME for applications in other namespaces), and give the token's role " +
      '`p, proj:PROJECT:ROLE, applications, get, PROJECT/NAME, allow`.'
    )
  }
  if (status === undefined) {
    return `Could not reach ${settings.server} for ${what}: ${errorMessage(error)}. Check \`argocd-server\` and that the runner can reach it.`
  }
  return `Could not read ${what}: ${errorMessage(error)}.`
}

/** The index of the source that reads the GitOps repository at the base branch, or why none does. */
export function matchSource(app: Application, ref: ArgoApplicationRef, target: GitOpsTarget): number | string {
  const sources = sourcesOf(app)
  const repoMatches = sources
    .map((source, index) => ({ source, index }))
    .filter(({ source }) => sameRepository(source.repoURL, target))
  const where = `${target.repository} (branch ${target.base})`
  if (repoMatches.length === 0) {
    const seen = sources.map((source) => source.repoURL ?? '(no repoURL)').join(', ') || 'no source'
    return (
      `Argo CD application ${label(ref)} does not deploy from ${where}: it reads ${seen}. ` +
      'Waiting for it would never see this commit. Name the application that deploys these manifests in ' +
      '`argocd-application`, or point `gitops-repository` at the repository it reads.'
    )
  }
  const onBase = repoMatches.find(({ source }) => sameRevision(source.targetRevision, target))
  if (onBase === undefined) {
    const revisions = repoMatches.map(({ source }) => source.targetRevision || 'HEAD').join(', ')
    return (
      `Argo CD application ${label(ref)} deploys ${target.repository} at ${revisions}, not branch ${target.base} that this run commits to. ` +
      `Set \`base\` to the branch Argo CD deploys, or the application's targetRevision to ${target.base}.`
    )
  }
  const path = (onBase.source.path ?? '').replace(/^\.?\/+|\/+$/g, '')
  if (path !== '' && path !== '.' && !target.files.some((file) => file === path || file.startsWith(`${path}/`))) {
    core.warning(
      `Argo CD application ${label(ref)} deploys path "${path}" of ${target.repository}, but none of the manifests ` +
        `this run may change is under it (${target.files.slice(0, 3).join(', ')}${target.files.length > 3 ? ', …' : ''}).`,
    )
  }
  return onBase.index
}

/** https://HOST/OWNER/REPO(.git), git@HOST:OWNER/REPO.git and ssh://git@HOST/OWNER/REPO.git. */
export function repositoryOf(repoURL: string): { host: string; path: string } | undefined {
  const scp = /^[\w.-]+@([^:/]+):(.+)$/.exec(repoURL)
  if (scp !== null) return { host: scp[1]!.toLowerCase(), path: normalizePath(scp[2]!) }
  try {
    const url = new URL(repoURL)
    return { host: url.hostname.toLowerCase(), path: normalizePath(url.pathname) }
  } catch {
    return undefined
  }
}

function normalizePath(path: string): string {
  return path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .toLowerCase()
}

function sameRepository(repoURL: string | undefined, target: GitOpsTarget): boolean {
  if (repoURL === undefined) return false
  const parsed = repositoryOf(repoURL)
  if (parsed === undefined) return false
  let host: string
  try {
    host = new URL(target.serverUrl).hostname.toLowerCase()
  } catch {
    return false
  }
  return parsed.host === host && parsed.path === target.repository.toLowerCase()
}

function sameRevision(revision: string | undefined, target: GitOpsTarget): boolean {
  const value = (revision ?? '').trim()
  if (value === '' || value === 'HEAD') return target.baseIsDefault
  return value === target.base || value === `refs/heads/${target.base}`
}

export type { ApplicationSource }
