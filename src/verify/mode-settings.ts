// The inputs of `mode: verify`: a GitOps commit that is already there (a merged deploy pull request,
// a push by another workflow or by hand), verified without image, registry or Google Cloud.
import * as core from '@actions/core'
import { InputError } from '../errors.js'
import { type GitHubContext, type RunContext, loadRunnerContext, runContext } from '../run-context.js'
import { type MergeSettings, type Mode, gitopsRepository, readMerge } from '../settings.js'
import { bool, branchInput, oneOf, requiredSecret } from '../util/inputs.js'
import { type VerifySettings, readVerifyInputs } from './settings.js'

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
  loadContext: () => Promise<GitHubContext> = loadRunnerContext,
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
