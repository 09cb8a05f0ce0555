// Action inputs, read once and validated up front into one typed object, so that a
// misconfigured run fails before any network call and later phases never re-read inputs.
import * as core from '@actions/core'
import { InputError } from './errors.js'
import { type GitHubContext, type RunContext, loadRunnerContext, runContext, workspaceOf } from './run-context.js'
import {
  bool,
  branchInput,
  list,
  oneOf,
  parse,
  required,
  requiredSecret,
  secretInput,
  url,
  workspacePath,
} from './util/inputs.js'
import type { ImageReference } from './image/reference.js'
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

const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/

/**
 * Reads and checks every input. The toolkit's context (whose module also builds Octokit) is loaded
 * only once the inputs are known to be good, so a misconfigured run fails fast; tests pass their own.
 */
export async function readSettings(
  env: NodeJS.ProcessEnv = process.env,
  loadContext: () => Promise<GitHubContext> = loadRunnerContext,
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

export function readMerge(mode: Mode | 'verify'): MergeSettings | undefined {
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
export function gitopsRepository(value: string): { owner: string; repo: string } {
  if (!REPOSITORY.test(value)) {
    throw new InputError('gitops-repository', `"${value}" must be "owner/name".`)
  }
  const [owner, repo] = value.split('/') as [string, string]
  return { owner, repo }
}
