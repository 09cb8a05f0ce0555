// The build-provenance gate: before any image is pinned, each must carry a GitHub artifact
// attestation for its exact digest that Sigstore verifies and that names the expected signer
// workflow and source repository. One attestation that passes is enough; none means the run
// stops with nothing written. Loaded only when `attestation-signer` is set.
import * as core from '@actions/core'
import { type ImageReference, formatReference, shortDigest } from '../image/reference.js'
import { isIndexType } from '../registry/media-types.js'
import type { PublishResult } from '../registry/publish.js'
import type { Settings } from '../settings.js'
import type { RegistryCredentials } from '../registry/auth.js'
import { attestedPlatforms } from './platforms.js'
import { type VerifiedBundle, verifyBundle } from './bundle.js'
import { listAttestations } from './github.js'
import { type Provenance, checkPolicy } from './policy.js'
import { Rejection } from './rejection.js'
import type { AttestationSettings } from './settings.js'
import { trustRootsFor } from './roots.js'
import { type TrustRoot, type TufSource, defaultTufSource } from './trust.js'

/** The run refuses the image: no attestation vouches for its digest. */
export class ProvenanceError extends Error {
  override name = 'ProvenanceError'
}

export interface AttestedImage {
  readonly image: string
  readonly digest: string
  readonly provenance: Provenance
  readonly verified: VerifiedBundle
}

export async function verifyProvenance(
  settings: Settings,
  images: readonly PublishResult[],
  credentials?: RegistryCredentials,
  tuf: TufSource = defaultTufSource(),
): Promise<AttestedImage[]> {
  const gate = settings.attestation!
  const trustRoots = trustRootsFor(gate, settings.run.serverUrl, tuf)
  const attested: AttestedImage[] = []
  for (const [i, result] of images.entries()) {
    const reference = settings.images[i]!
    attested.push(await verifyImage(settings, gate, reference, result, trustRoots, credentials))
  }
  core.setOutput('attestation', JSON.stringify(attested.map(outputOf)))
  return attested
}

async function verifyImage(
  settings: Settings,
  gate: AttestationSettings,
  reference: ImageReference,
  result: PublishResult,
  trustRoots: (bundle: unknown) => Promise<TrustRoot[]>,
  credentials: RegistryCredentials | undefined,
): Promise<AttestedImage> {
  const { digest } = result
  const image = formatReference(reference)
  const stored = await listAttestations(settings.run.apiUrl, gate.token, gate.repository, digest)
  if (stored.length === 0) {
    const index = isIndexType(result.mediaType) ? await indexHint(settings, gate, reference, digest, credentials) : ''
    throw new ProvenanceError(
      `${image} (${digest}) has no attestation in ${gate.repository}, so nothing proves it was built by ${gate.signer.text}.${index} ${howToAttest(reference, gate)}`,
    )
  }
  const expected = {
    digest,
    predicateType: gate.predicateType,
    signer: gate.signer,
    repository: gate.repository,
    serverUrl: settings.run.serverUrl,
  }
  const rejections: Rejection[] = []
  for (const attestation of stored) {
    try {
      if (attestation.bundle === undefined) {
        throw new Rejection(
          'malformed',
          `was served without its Sigstore bundle (only ${attestation.bundleUrl ?? 'no URL'})`,
        )
      }
      const verified = verifyBundle(attestation.bundle, await trustRoots(attestation.bundle))
      const provenance = checkPolicy(verified.statement, verified.certificate, expected)
      core.info(
        `${image}@${shortDigest(digest)}: build provenance verified: signed by ${provenance.signerWorkflow}, ` +
          `built from ${provenance.sourceRepository}${provenance.sourceCommit ? `@${provenance.sourceCommit}` : ''} (${evidenceText(verified)})`,
      )
      return { image, digest, provenance, verified }
    } catch (error) {
      if (!(error instanceof Rejection)) throw error
      rejections.push(error)
    }
  }
  throw new ProvenanceError(refusal(image, digest, gate, rejections) + ' ' + howToAttest(reference, gate))
}

/** For an index without attestations: whether its platform images have some, which do not count. */
async function indexHint(
  settings: Settings,
  gate: AttestationSettings,
  reference: ImageReference,
  digest: string,
  credentials: RegistryCredentials | undefined,
): Promise<string> {
  const rule =
    'the attestation must name the index digest (what the registry serves for the tag, ' +
    "docker/build-push-action's `digest` output), not the digests of its platform images."
  const attested = await attestedPlatforms(reference, digest, credentials, (child) =>
    listAttestations(settings.run.apiUrl, gate.token, gate.repository, child),
  )
  if (attested.length === 0) return ` It is a multi-platform image: ${rule}`
  const list = attested.map((child) => `${child.platform} ${child.digest}`).join(', ')
  return ` It is a multi-platform image, and only its platform images have attestations (${list}): ${rule}`
}

function refusal(image: string, digest: string, gate: AttestationSettings, rejections: readonly Rejection[]): string {
  const subject = `${image} (${digest})`
  if (rejections.length === 1) {
    return `${subject} is refused: its attestation in ${gate.repository} ${rejections[0]!.message}.`
  }
  const reasons = rejections.map((rejection, i) => `attestation ${i + 1} ${rejection.message}`).join('; ')
  return `${subject} is refused: none of its ${rejections.length} attestations in ${gate.repository} vouches for it: ${reasons}.`
}

function howToAttest(reference: ImageReference, gate: AttestationSettings): string {
  return (
    `Attest the image in ${gate.signer.text}, after the push: \`uses: actions/attest-build-provenance@v3\` with ` +
    `\`subject-name: ${reference.repository}\` and \`subject-digest\` set to the pushed digest ` +
    '(`push-to-registry: true` also stores it next to the image; optional), in a job with `permissions: id-token: write, attestations: write`.'
  )
}

function evidenceText({ evidence, root }: VerifiedBundle): string {
  const parts = [
    ...evidence.transparencyLog.map((entry) => `transparency-log entry ${entry.logIndex} at ${entry.integratedTime}`),
    ...evidence.timestamps.map((time) => `signed timestamp ${time}`),
  ]
  return `${parts.join(', ')}; trusted root: ${root.name}`
}

function outputOf({ image, digest, provenance, verified }: AttestedImage): Record<string, unknown> {
  return {
    image,
    digest,
    'signer-workflow': provenance.signerWorkflow,
    'source-repository': provenance.sourceRepository,
    'source-commit': provenance.sourceCommit ?? '',
    'source-ref': provenance.sourceRef ?? '',
    'predicate-type': provenance.predicateType,
    'run-url': provenance.runUrl ?? '',
    'transparency-log': verified.evidence.transparencyLog.map((entry) => ({
      'log-index': entry.logIndex,
      'integrated-time': entry.integratedTime,
    })),
    timestamps: verified.evidence.timestamps,
    'trusted-root': verified.root.name,
  }
}
