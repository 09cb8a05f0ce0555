// The build-provenance gate's inputs, read and checked up front with every other input:
// `attestation-signer` turns the gate on; the others only make sense with it.
import * as core from '@actions/core'
import { InputError, errorMessage } from '../errors.js'
import { type SignerWorkflow, parseSignerWorkflow } from './signer.js'
import { secretInput, workspacePath } from '../util/inputs.js'

export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'

export interface AttestationSettings {
  readonly signer: SignerWorkflow
  /** `owner/repo` whose attestations are read and whose source the provenance must name. */
  readonly repository: string
  readonly predicateType: string
  /** Absolute path of a trusted_root.json (or .jsonl); undefined: Sigstore's public-good root through TUF. */
  readonly trustedRoot?: { readonly path: string; readonly input: string }
  /** `source-token`: reads the attestations (`attestations: read`). */
  readonly token: string
}

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/
const PREDICATE_TYPE = 'attestation-predicate-type'
const GATE_ONLY = ['attestation-repository', PREDICATE_TYPE, 'attestation-trusted-root']

/** `{ attestation }` for the Settings object; empty when `attestation-signer` is empty (no gate). */
export function readAttestationInputs(run: { readonly repository: string; readonly workspace: string }): {
  attestation?: AttestationSettings
} {
  const signerInput = core.getInput('attestation-signer').trim()
  if (signerInput === '') {
    const stray = GATE_ONLY.find((name) => !isUnset(name))
    if (stray !== undefined) {
      throw new InputError(
        stray,
        'only applies to the build-provenance gate: set `attestation-signer` to the workflow that must have signed the image.',
      )
    }
    return {}
  }
  let signer: SignerWorkflow
  try {
    signer = parseSignerWorkflow(signerInput)
  } catch (error) {
    throw new InputError('attestation-signer', errorMessage(error))
  }
  const repository = core.getInput('attestation-repository').trim() || run.repository
  if (!REPOSITORY.test(repository)) {
    throw new InputError(
      'attestation-repository',
      repository === ''
        ? 'is empty and GITHUB_REPOSITORY is not set; name the repository that built the image (owner/name).'
        : `"${repository}" must be "owner/name".`,
    )
  }
  const predicateType = core.getInput(PREDICATE_TYPE).trim() || SLSA_PROVENANCE_V1
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(predicateType)) {
    throw new InputError(
      'attestation-predicate-type',
      `"${predicateType}" is not a predicate type URI, e.g. ${SLSA_PROVENANCE_V1}.`,
    )
  }
  const trustedRoot = readTrustedRoot(run.workspace)
  const token = secretInput('source-token')
  if (token === '') {
    throw new InputError(
      'source-token',
      `is empty; reading the attestations of ${repository} needs a token with \`attestations: read\` (the default \`\${{ github.token }}\` has it with \`permissions: attestations: read\`).`,
    )
  }
  return {
    attestation: {
      signer,
      repository,
      predicateType,
      ...(trustedRoot !== undefined && { trustedRoot }),
      token,
    },
  }
}

function isUnset(name: string): boolean {
  const value = core.getInput(name).trim()
  // The runner passes action.yml's default predicate type to every step: only another one counts.
  return value === '' || (name === PREDICATE_TYPE && value === SLSA_PROVENANCE_V1)
}

function readTrustedRoot(workspace: string): AttestationSettings['trustedRoot'] {
  const input = core.getInput('attestation-trusted-root').trim()
  if (input === '') return undefined
  const resolved = workspacePath('attestation-trusted-root', input, workspace)
  return { path: resolved, input }
}
