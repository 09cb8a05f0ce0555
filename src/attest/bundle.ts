// One attestation bundle through Sigstore verification: the signing certificate chains to a
// trusted root at a verified time (transparency-log entry or signed timestamp, as the root asks),
// and the DSSE envelope's signature is the certificate key's. All of it is @sigstore/verify's
// work; this module only picks the root, turns its errors into reasons people can act on, and
// hands the verified statement and certificate on to the policy.
import { type Bundle, ValidationError, bundleFromJSON } from '@sigstore/bundle'
import type { X509Certificate } from '@sigstore/core'
import { type SignedEntity, VerificationError, Verifier, toSignedEntity } from '@sigstore/verify'
import { errorMessage } from '../errors.js'
import { Rejection } from './rejection.js'
import type { TrustRoot } from './trust.js'

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** What Sigstore vouched for: the statement as signed and the certificate that signed it. */
export interface VerifiedBundle {
  readonly statement: unknown
  readonly certificate: X509Certificate
  readonly root: TrustRoot
  readonly evidence: Evidence
}

export interface Evidence {
  readonly transparencyLog: readonly { readonly logIndex: string; readonly integratedTime: string }[]
  readonly timestamps: readonly string[]
}

/** Verifies one bundle against the first root that accepts it; throws a Rejection saying why none did. */
export function verifyBundle(json: unknown, roots: readonly TrustRoot[]): VerifiedBundle {
  const bundle = parseBundle(json)
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new Rejection('not-attestation', 'is a signature over a file, not an attestation (no DSSE envelope)')
  }
  const envelope = bundle.content.dsseEnvelope
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new Rejection('not-attestation', `carries a ${envelope.payloadType} payload, not an in-toto statement`)
  }
  let entity: SignedEntity
  try {
    entity = toSignedEntity(bundle)
  } catch (error) {
    throw new Rejection('malformed', `cannot be read: ${errorMessage(error)}`)
  }
  if (entity.key.$case !== 'certificate') {
    throw new Rejection('not-keyless', 'is signed with a key, not a Sigstore certificate of a GitHub Actions workflow')
  }
  const certificate = entity.key.certificate

  const failures: Rejection[] = []
  for (const root of roots) {
    try {
      new Verifier(root.material, root.thresholds).verify(entity)
    } catch (error) {
      failures.push(explain(error, entity, root))
      continue
    }
    let statement: unknown
    try {
      statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'))
    } catch {
      throw new Rejection('malformed', 'is signed, but its payload is not JSON')
    }
    return { statement, certificate, root, evidence: evidence(bundle, entity) }
  }
  // With several roots, the most telling reason: the one about the root the bundle came closest to.
  throw failures.find((failure) => failure.kind !== 'untrusted-chain') ?? failures[0]!
}

function parseBundle(json: unknown): Bundle {
  try {
    return bundleFromJSON(json)
  } catch (error) {
    const reason =
      error instanceof ValidationError ? `${error.message} (${error.fields.join(', ')})` : errorMessage(error)
    throw new Rejection('malformed', `is not a Sigstore bundle: ${reason}`)
  }
}

function explain(error: unknown, entity: SignedEntity, root: TrustRoot): Rejection {
  if (!(error instanceof VerificationError)) {
    return new Rejection('invalid', `failed Sigstore verification against ${root.name}: ${errorMessage(error)}`)
  }
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  switch (error.code) {
    case 'SIGNATURE_ERROR':
      return new Rejection(
        'signature',
        'has a signature that does not match its content: the statement was changed after signing, or signed with another key',
      )
    case 'CERTIFICATE_ERROR': {
      const signedAt = signingTimes(entity)
      const outside =
        signedAt.length > 0 &&
        root.authorityWindows.length > 0 &&
        signedAt.every((time) => root.authorityWindows.every((w) => time < w.start || time > w.end))
      if (outside) {
        const windows = root.authorityWindows
          .map((w) => `${w.start.toISOString()} to ${w.end.toISOString()}`)
          .join(', ')
        return new Rejection(
          'expired-root',
          `was signed at ${signedAt[0]!.toISOString()}, when no certificate authority of ${root.name} was valid (${windows}): ` +
            'the trusted root is expired or too old for this signature. Update the trusted root',
        )
      }
      if (/SCT/.test(error.message)) {
        return new Rejection(
          'untrusted-chain',
          `has a signing certificate without the certificate-transparency proof ${root.name} asks for`,
        )
      }
      return new Rejection(
        'untrusted-chain',
        `has a signing certificate that does not chain to ${root.name} (${error.message}${cause})`,
      )
    }
    case 'TIMESTAMP_ERROR':
      return new Rejection(
        'timestamp',
        entity.timestamps.length === 0
          ? `has no signed timestamp or transparency-log entry, so nothing proves when it was signed; ${root.name} needs one`
          : `has no timestamp ${root.name} can verify (${error.message}${cause})`,
      )
    case 'TLOG_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
    case 'TLOG_BODY_ERROR':
      return new Rejection(
        'transparency-log',
        entity.tlogEntries.length === 0
          ? `has no transparency-log entry, which ${root.name} requires`
          : `has a transparency-log entry ${root.name} does not confirm (${error.message}${cause})`,
      )
    default:
      return new Rejection(
        'invalid',
        `failed Sigstore verification against ${root.name} (${error.code}: ${error.message}${cause})`,
      )
  }
}

/** The times the bundle claims it was signed, unverified: only for explaining a failure. */
function signingTimes(entity: SignedEntity): Date[] {
  return entity.timestamps.flatMap((t) => {
    if (t.$case === 'timestamp-authority') return [t.timestamp.signingTime]
    const seconds = Number(t.tlogEntry.integratedTime)
    return seconds > 0 ? [new Date(seconds * 1000)] : []
  })
}

function evidence(bundle: Bundle, entity: SignedEntity): Evidence {
  return {
    transparencyLog: bundle.verificationMaterial.tlogEntries.map((entry) => ({
      logIndex: entry.logIndex,
      integratedTime: new Date(Number(entry.integratedTime) * 1000).toISOString(),
    })),
    timestamps: entity.timestamps.flatMap((t) =>
      t.$case === 'timestamp-authority' ? [t.timestamp.signingTime.toISOString()] : [],
    ),
  }
}
