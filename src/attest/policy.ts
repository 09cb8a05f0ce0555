// What a verified attestation must say for this deploy: that it is about this digest, of the
// expected predicate type, signed through GitHub Actions' OIDC issuer by the expected workflow,
// for a build of the expected repository. Sigstore has already proved who signed what; this
// decides whether that is good enough. The certificate fields are Fulcio's OIDs for GitHub
// Actions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
import type { X509Certificate } from '@sigstore/core'
import { Rejection } from './rejection.js'
import { type SignerWorkflow, matchesSigner, workflowOfUri } from './signer.js'

const OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const

export interface Expectations {
  readonly digest: string
  readonly predicateType: string
  readonly signer: SignerWorkflow
  /** `owner/repo` the build must be of. */
  readonly repository: string
  /** GITHUB_SERVER_URL: the host in workflow and repository URIs. */
  readonly serverUrl: string
}

/** The provenance facts a deploy can show, once every check passed. */
export interface Provenance {
  readonly signerWorkflow: string
  readonly sourceRepository: string
  readonly sourceCommit?: string
  readonly sourceRef?: string
  readonly runUrl?: string
  readonly predicateType: string
}

/** The OIDC issuer of GitHub Actions tokens for a GitHub host (github.com, GHE.com, GitHub Enterprise Server). */
export function actionsIssuer(serverUrl: string): string {
  const host = new URL(serverUrl).host.toLowerCase()
  if (host === 'github.com') return 'https://token.actions.githubusercontent.com'
  const tenant = /^([^.]+)\.ghe\.com$/.exec(host)
  if (tenant) return `https://token.actions.${tenant[1]}.ghe.com`
  return `${serverUrl.replace(/\/+$/, '')}/_services/token`
}

export function checkPolicy(statement: unknown, certificate: X509Certificate, expected: Expectations): Provenance {
  checkStatement(statement, expected)
  const predicateType = (statement as { predicateType: string }).predicateType

  const issuer = utf8Extension(certificate, OID.issuer) ?? certificate.extension(OID.issuerV1)?.value.toString('utf8')
  const wantedIssuer = actionsIssuer(expected.serverUrl)
  if (issuer !== wantedIssuer) {
    throw new Rejection(
      'issuer',
      `was signed with an identity from ${issuer === undefined ? 'no named OIDC issuer' : `the OIDC issuer ${issuer}`}, ` +
        `not GitHub Actions (${wantedIssuer}): it was not made by a workflow run`,
    )
  }

  const signerUri = certificate.subjectAltName ?? utf8Extension(certificate, OID.buildSignerUri) ?? ''
  const expectedSigner = `${expected.signer.repository}/${expected.signer.path}${expected.signer.ref === undefined ? ' (any ref)' : `@${expected.signer.ref}`}`
  if (!matchesSigner(expected.signer, signerUri, expected.serverUrl)) {
    const shown = workflowOfUri(signerUri, expected.serverUrl) ?? (signerUri || 'no workflow')
    throw new Rejection('signer', `was signed by the workflow ${shown}, not by ${expectedSigner} (attestation-signer)`)
  }

  const sourceUri = utf8Extension(certificate, OID.sourceRepositoryUri)
  const sourceRepository = sourceUri === undefined ? undefined : workflowOfUri(sourceUri, expected.serverUrl)
  if (sourceRepository?.toLowerCase() !== expected.repository.toLowerCase()) {
    throw new Rejection(
      'source-repository',
      `was built from ${sourceUri ?? 'an unnamed repository'}, not from ${expected.serverUrl}/${expected.repository} (attestation-repository)`,
    )
  }

  const sourceCommit = utf8Extension(certificate, OID.sourceRepositoryDigest)
  const sourceRef = utf8Extension(certificate, OID.sourceRepositoryRef)
  const runUrl = utf8Extension(certificate, OID.runInvocationUri)
  return {
    signerWorkflow: workflowOfUri(signerUri, expected.serverUrl)!,
    sourceRepository,
    ...(sourceCommit !== undefined && { sourceCommit }),
    ...(sourceRef !== undefined && { sourceRef }),
    ...(runUrl !== undefined && { runUrl }),
    predicateType,
  }
}

/** The in-toto statement names the digest among its subjects and has the expected predicate type. */
function checkStatement(statement: unknown, expected: Expectations): void {
  const { subject, predicateType } = (statement ?? {}) as { subject?: unknown; predicateType?: unknown }
  if (!Array.isArray(subject)) throw new Rejection('malformed', 'is signed, but its statement names no subject')
  const [algorithm, hex] = expected.digest.split(':') as [string, string]
  const subjects = subject.map((s) => (s as { digest?: Record<string, unknown> } | null)?.digest?.[algorithm])
  if (!subjects.some((value) => typeof value === 'string' && value.toLowerCase() === hex.toLowerCase())) {
    const named = subjects.filter((value) => typeof value === 'string').map((value) => `${algorithm}:${value}`)
    throw new Rejection(
      'subject',
      `is about ${named.length > 0 ? named.join(', ') : 'no sha256 digest'}, not ${expected.digest}: it attests another image`,
    )
  }
  if (predicateType !== expected.predicateType) {
    throw new Rejection(
      'predicate-type',
      `has the predicate type ${String(predicateType)}, not ${expected.predicateType} (attestation-predicate-type)`,
    )
  }
}

/** A Fulcio extension of the current kind: a DER UTF8String inside the extension value. */
function utf8Extension(certificate: X509Certificate, oid: string): string | undefined {
  return certificate.extension(oid)?.valueObj.subs[0]?.value.toString('utf8')
}
