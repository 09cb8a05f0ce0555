// Action inputs, read once and validated up front into one typed object, so that a
// misconfigured run fails before any network call and later phases never re-read inputs.
import * as core from '@actions/core'
import type { context as runnerContext } from '@actions/github'
import { InputError, errorMessage } from './errors.js'
import { list, requiredSecret, secretInput, workspacePath } from './util/inputs.js'
import { type ImageReference, isHttpsOrLoopback } from './image/reference.js'
import { checkGoogleCloud } from './gcp/preflight.js'
import type { GoogleCloudSettings } from './gcp/types.js'
import { parseWorkloadIdentityProvider, validateServiceAccountEmail } from './gcp/provider.js'
import { type FieldTarget, parseFieldTargets } from './manifests/fields.js'
import { splitManifestsInput, validateManifestPatterns } from './manifests/patterns.js'
import { durationInput } from './util/duration.js'
import { defaultBranch, parseImageList } from './fleet/images.js'
import { type TemplateValues, renderTemplate, templateValues } from './report/templates.js'
import { type VerifySettings, readVerifyInputs } from './verify/settings.js'
import { type AttestationSettings, readAttestationInputs } from './attest/settings.js'
import type { MergeMethod } from './gitops/merge-api.js'

export type Mode = 'pr' | 'push'

export type ImageSource =
  | { readonly kind: 'docker' }
  | { readonly kind: 'registry' }
  /** An OCI image layout directory or a tar of one; `path` is absolute. */
  | { readonly kind: 'layout'; readonly path: string; readonly input: string }

export interface MessageTemplates {
  readonly commitMessage: string
  readonly title: string
  readonly body: string
}

/** The runner's view of the workflow run: @actions/github's `context` (a parameter so tests can pass their own). */
export type GitHubContext = typeof runnerContext

/** Where the workflow runs, for links back to it, from the toolkit's context. */
export interface RunContext {
  readonly apiUrl: string
  readonly serverUrl: string
  readonly graphqlUrl: string
  /** `owner/name` of the workflow's repository; '' outside a runner. */
  readonly repository: string
  readonly sha: string
  /** '' outside a runner. */
  readonly runId: string
  readonly workspace: string
  readonly eventName: string
  /** The webhook payload of the event that started the run (GITHUB_EVENT_PATH); {} when none. */
  readonly payload: GitHubContext['payload']
}

export interface Settings {
  /** The first (often the only) image of `images`. */
  readonly image: ImageReference
  /** Every image of the `image` input, one per line, in order. */
  readonly images: readonly ImageReference[]
  readonly source: ImageSource
  /** Validated, normalized patterns relative to the GitOps repository root. */
  readonly manifests: readonly string[]
  /** The `fields` input: scalars outside container lists that receive the pin. */
  readonly fields: readonly FieldTarget[]
  readonly container?: string
  readonly mode: Mode
  readonly gitops: { readonly owner: string; readonly repo: string }
  /** Empty: the GitOps repository's default branch. */
  readonly base?: string
  readonly branch: string
  readonly token: string
  /**
   * `source-token`: reads the workflow's repository (the source commit for the reference trailers,
   * the compare of the rollback guard) and keeps its GitHub deployment.
   */
  readonly sourceToken: string
  readonly dryRun: boolean
  /** `allow-rollback`: deploy a commit older than the deployed one on purpose. */
  readonly allowRollback: boolean
  readonly templates: MessageTemplates
  readonly labels: readonly string[]
  /** How long push mode keeps retrying while others move the base (`push-timeout`). */
  readonly pushTimeoutMs: number
  readonly gcp: GoogleCloudSettings
  readonly run: RunContext
  /** Verification (Argo CD and/or commit statuses); undefined without `argocd-server` and `verify-commit-status`. */
  readonly verify?: VerifySettings
  /** `mode: pr` with `environment`: the GitHub deployment created `queued` until the pull request merges. */
  readonly queuedDeployment?: { readonly environment: string; readonly sourceToken: string }
  /** The build-provenance gate; undefined when `attestation-signer` is empty. */
  readonly attestation?: AttestationSettings
  /** pr mode: get the pull request merged with this method and wait (`merge`, `merge-timeout`). */
  readonly merge?: MergeSettings
}

export interface MergeSettings {
  readonly method: MergeMethod
  readonly timeoutMs: number
}

/** `mode: verify`: a GitOps commit that is already there, verified without image, registry or Google Cloud. */
export interface VerifyModeSettings {
  readonly gitops: { readonly owner: string; readonly repo: string }
  /** Empty: from the event (the branch pushed to, the pull request's base), else the default branch. */
  readonly base?: string
  /** The `revision` input; empty: from the event, else the head of `base`. */
  readonly revision?: string
  readonly token: string
  readonly run: RunContext
  readonly verify: VerifySettings
  /** `merge`: with `on-failure: revert`, the revert goes through a pull request merged this way (a protected base). */
  readonly merge?: MergeSettings
}

/** Inputs without a default that only a deploy uses: set with `mode: verify`, they are a mistake. */
const DEPLOY_ONLY = [
  'image',
  'manifests',
  'fields',
  'container',
  'branch',
  'labels',
  'body',
  'workload-identity-provider',
  'service-account',
  'audience',
  'attestation-signer',
  'attestation-repository',
  'attestation-trusted-root',
]

export function readMode(): Mode | 'verify' {
  return oneOf('mode', ['pr', 'push', 'verify'] as const, 'pr')
}

export async function readVerifyModeSettings(
  env: NodeJS.ProcessEnv = process.env,
  loadContext: () => Promise<GitHubContext> = async () => (await import('@actions/github')).context,
): Promise<VerifyModeSettings> {
  const token = requiredSecret('token', 'Pass a token that can read the GitOps repository (`statuses: read` too).')
  const stray = DEPLOY_ONLY.find((name) => core.getInput(name).trim() !== '')
  if (stray !== undefined) {
    throw new InputError(
      stray,
      'does not apply to `mode: verify`, which verifies a GitOps commit that is already there.',
    )
  }
  if (bool('dry-run')) throw new InputError('dry-run', 'does not apply to `mode: verify`, which writes nothing.')
  const revision = core.getInput('revision').trim().toLowerCase()
  if (revision !== '' && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)) {
    throw new InputError(
      'revision',
      `"${revision}" is not a full commit sha; pass all 40 hex digits, e.g. \`\${{ github.sha }}\`.`,
    )
  }
  const gitopsInput = core.getInput('gitops-repository').trim()
  if (gitopsInput !== '') gitopsRepository(gitopsInput)
  const base = branchInput('base')
  const { verify } = readVerifyInputs('verify')
  const merge = readMerge('verify')
  if (merge !== undefined && verify!.onFailure !== 'revert') {
    throw new InputError(
      'merge',
      'in `mode: verify` says how a revert is merged (a protected base takes it as a pull request); it needs `on-failure: revert`.',
    )
  }
  const run = runContext(await loadContext(), env)
  return {
    gitops: gitopsRepository(gitopsInput || run.repository),
    ...(base !== undefined && { base }),
    ...(revision !== '' && { revision }),
    token,
    run,
    verify: verify!,
    ...(merge !== undefined && { merge }),
  }
}

const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/

/**
 * Reads and checks every input. The toolkit's context (whose module also builds Octokit) is loaded
 * only once the inputs are known to be good, so a misconfigured run fails fast; tests pass their own.
 */
export async function readSettings(
  env: NodeJS.ProcessEnv = process.env,
  loadContext: () => Promise<GitHubContext> = async () => (await import('@actions/github')).context,
): Promise<Settings> {
  // Masked before anything else can print it.
  const token = requiredSecret(
    'token',
    'Pass a token that can write to the GitOps repository, e.g. `token: ${{ steps.app-token.outputs.token }}`.',
  )

  const sourceToken = secretInput('source-token')

  const images = parseImageList(core.getInput('image'))
  const image = images[0]!
  const example = templateValues(image, EXAMPLE_DIGEST)
  const source = readSource(workspaceOf(env))
  const mode = oneOf('mode', ['pr', 'push'] as const, 'pr')
  const container = core.getInput('container').trim() || undefined
  if (container !== undefined && !CONTAINER_NAME.test(container)) {
    throw new InputError(
      'container',
      `"${container}" is not a Kubernetes container name (lowercase letters, digits and "-").`,
    )
  }

  const gitopsInput = core.getInput('gitops-repository').trim()
  if (gitopsInput !== '') gitopsRepository(gitopsInput)

  const base = branchInput('base')
  // base == branch is checked once the base is known (readManifestTarget), default branch included.
  const branch = branchInput('branch') ?? defaultBranch(images)

  const gcp = readGcp()
  for (const each of images) checkGoogleCloud(gcp, each, env)
  const merge = readMerge(mode)
  const rest = {
    manifests: parse('manifests', () => validateManifestPatterns(splitManifestsInput(required('manifests')))),
    fields: readFields(images),
    dryRun: bool('dry-run'),
    templates: readTemplates(example),
    labels: readLabels(example),
    pushTimeoutMs: durationInput('push-timeout', core.getInput('push-timeout'), '5m', 6 * 3_600_000),
    ...readVerifyInputs(mode, merge !== undefined),
    ...(merge !== undefined && { merge }),
  }

  const run = runContext(await loadContext(), env)
  return {
    image,
    images,
    source,
    ...(container !== undefined && { container }),
    mode,
    gitops: gitopsRepository(gitopsInput || run.repository),
    ...(base !== undefined && { base }),
    branch,
    token,
    sourceToken,
    allowRollback: bool('allow-rollback'),
    gcp,
    run,
    ...rest,
    ...readAttestationInputs(run),
  }
}

const DEFAULT_MERGE_TIMEOUT = '30m'

function readMerge(mode: Mode | 'verify'): MergeSettings | undefined {
  const method = core.getInput('merge').trim()
  if (method !== '' && method !== 'merge' && method !== 'squash' && method !== 'rebase') {
    throw new InputError('merge', `"${method}" is not one of "merge", "squash", "rebase" (or empty: a person merges).`)
  }
  const timeout = core.getInput('merge-timeout').trim()
  if (method === '') {
    if (timeout !== '' && timeout !== DEFAULT_MERGE_TIMEOUT) {
      throw new InputError(
        'merge-timeout',
        'only applies with `merge`: set `merge: squash` (or `merge`, `rebase`) as well.',
      )
    }
    return undefined
  }
  if (mode === 'push') {
    throw new InputError(
      'merge',
      `only applies to \`mode: pr\` (the action merges the pull request it opened); \`mode: ${mode}\` commits straight to the base branch. Use \`mode: pr\`, or remove \`merge\`.`,
    )
  }
  return { method, timeoutMs: durationInput('merge-timeout', timeout, DEFAULT_MERGE_TIMEOUT) }
}

function readFields(images: readonly ImageReference[]): FieldTarget[] {
  const fields = parse('fields', () => parseFieldTargets(core.getInput('fields'), images[0]!.tag !== undefined))
  if (fields.length > 0 && images.length > 1) {
    throw new InputError(
      'fields',
      `names scalars for one image, but image lists ${images.length}. Pin fields in a step of their own, with that one image.`,
    )
  }
  return fields
}

function readSource(workspace: string): ImageSource {
  const value = core.getInput('source').trim() || 'docker'
  if (value === 'docker' || value === 'registry') return { kind: value }
  return { kind: 'layout', path: workspacePath('source', value, workspace), input: value }
}

const DEFAULT_MESSAGE = 'Deploy {name} {version}'
// Any digest will do for checking templates up front.
const EXAMPLE_DIGEST = `sha256:${'0'.repeat(64)}`

function readTemplates(example: TemplateValues): MessageTemplates {
  return {
    commitMessage: checkedTemplate('commit-message', core.getInput('commit-message') || DEFAULT_MESSAGE, example),
    title: checkedTemplate('title', core.getInput('title') || DEFAULT_MESSAGE, example),
    body: checkedTemplate('body', core.getInput('body'), example),
  }
}

function readLabels(example: TemplateValues): string[] {
  return list(core.getInput('labels')).map((label) => checkedTemplate('labels', label, example))
}

/** Renders once with example values, so an unknown placeholder fails before anything is pushed. */
function checkedTemplate(input: string, template: string, example: TemplateValues): string {
  parse(input, () => renderTemplate(template, example))
  return template
}

function readGcp(): GoogleCloudSettings {
  const optional = (name: string): string | undefined => core.getInput(name).trim() || undefined
  const provider = optional('workload-identity-provider')
  const workloadIdentityProvider = provider === undefined ? undefined : parseWorkloadIdentityProvider(provider)
  const account = optional('service-account')
  const serviceAccount = account === undefined ? undefined : validateServiceAccountEmail(account)
  const audience = optional('audience')
  return {
    ...(workloadIdentityProvider !== undefined && { workloadIdentityProvider }),
    ...(serviceAccount !== undefined && { serviceAccount }),
    ...(audience !== undefined && { audience }),
    stsEndpoint: url('sts-endpoint', 'https://sts.googleapis.com'),
    iamCredentialsEndpoint: url('iam-credentials-endpoint', 'https://iamcredentials.googleapis.com'),
  }
}

/** `owner/name` (the input, or the workflow's repository) as its two parts. */
function gitopsRepository(value: string): { owner: string; repo: string } {
  if (!REPOSITORY.test(value)) {
    throw new InputError('gitops-repository', `"${value}" must be "owner/name".`)
  }
  const [owner, repo] = value.split('/') as [string, string]
  return { owner, repo }
}

/** GITHUB_WORKSPACE, which the toolkit's context does not carry; the working directory outside a runner. */
function workspaceOf(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE || process.cwd()
}

function runContext(github: GitHubContext, env: NodeJS.ProcessEnv): RunContext {
  return {
    apiUrl: github.apiUrl.replace(/\/+$/, ''),
    serverUrl: github.serverUrl.replace(/\/+$/, ''),
    graphqlUrl: github.graphqlUrl,
    repository: repositoryOf(github),
    sha: github.sha ?? '',
    runId: Number.isSafeInteger(github.runId) ? String(github.runId) : '',
    workspace: workspaceOf(env),
    eventName: github.eventName ?? '',
    payload: github.payload,
  }
}

/** `context.repo` throws without GITHUB_REPOSITORY (a run outside Actions): no repository then. */
function repositoryOf(github: GitHubContext): string {
  try {
    const { owner, repo } = github.repo
    return `${owner}/${repo}`
  } catch {
    return ''
  }
}

function required(name: string): string {
  const value = core.getInput(name).trim()
  if (!value) throw new InputError(name, 'is required but empty.')
  return value
}

function bool(name: string): boolean {
  const value = core.getInput(name).trim().toLowerCase()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  throw new InputError(name, `"${value}" is not a boolean; use true or false.`)
}

function oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(name, `"${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}.`)
}

function branchInput(name: string): string | undefined {
  const value = core
    .getInput(name)
    .trim()
    .replace(/^refs\/heads\//, '')
  if (!value) return undefined
  // The subset of git-check-ref-format that matters for names people type.
  if (/(^[./-])|\.\.|[\s~^:?*[\\]|@\{|\/\/|\.lock$|[./]$/.test(value)) {
    throw new InputError(name, `"${value}" is not a valid branch name.`)
  }
  return value
}

function url(name: string, fallback: string): string {
  const value = core.getInput(name).trim() || fallback
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new InputError(name, `"${value}" is not a URL.`)
  }
  // Tokens travel to these endpoints: plain http only to the machine itself.
  if (!isHttpsOrLoopback(parsed)) {
    throw new InputError(name, `"${value}" must be an https URL.`)
  }
  return value.replace(/\/+$/, '')
}

function parse<T>(input: string, parser: () => T): T {
  try {
    return parser()
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(input, errorMessage(error))
  }
}
