// A Sigstore of the tests' own, the way GitHub's instance for private repositories is built: a
// Fulcio-like certificate authority (@sigstore/mock) that issues short-lived certificates
// carrying GitHub Actions' OIDC claims as Fulcio's extensions, an RFC 3161 timestamp authority
// (@sigstore/mock), no transparency log, and a trusted_root.json naming the two. `attest` then
// does what actions/attest-build-provenance does in a workflow: an ephemeral key, a certificate
// for the workflow's identity, a DSSE signature over an in-toto statement, a signed timestamp
// of that signature, all in a v0.3 bundle.
import { createHash, generateKeyPairSync, sign as signWith } from 'node:crypto'
import { dsse } from '@sigstore/core'
import mock from '@sigstore/mock'

type CA = Awaited<ReturnType<typeof mock.initializeCA>>
type TSA = Awaited<ReturnType<typeof mock.initializeTSA>>

export const ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com'
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1'
const IN_TOTO = 'application/vnd.in-toto+json'
const SHA256_OID = '2.16.840.1.101.3.4.2.1'

/** The OIDC claims of a workflow job that Fulcio copies into a certificate. */
export interface WorkflowIdentity {
  /** `owner/repo` running the workflow. */
  readonly repository: string
  /** `.github/workflows/FILE.yml@REF` of the workflow that signs (the reusable one, if any). */
  readonly workflow: string
  /** The repository of that workflow (default: `repository`). */
  readonly workflowRepository?: string
  readonly sha?: string
  readonly ref?: string
  /** Default GitHub Actions' issuer. */
  readonly issuer?: string
  readonly serverUrl?: string
}

export interface AttestOptions {
  /** The subject digests the statement names (`sha256:HEX`). */
  readonly subjects: readonly string[]
  readonly subjectName?: string
  readonly identity: WorkflowIdentity
  readonly predicateType?: string
  /** Skip the signed timestamp. */
  readonly noTimestamp?: boolean
  /** Change the statement after signing. */
  readonly tamper?: boolean
  /** Get the certificate from a certificate authority the trusted root does not name. */
  readonly foreignCertificate?: boolean
}

export interface SigstoreWorld {
  /** The trusted_root.json naming this world's CA and TSA, as an object. */
  trustedRoot(options?: { caValidUntil?: Date }): Record<string, unknown>
  /** A signed attestation bundle (JSON, as GitHub's API serves it). */
  attest(options: AttestOptions): Promise<Record<string, unknown>>
}

export async function createSigstoreWorld(): Promise<SigstoreWorld> {
  const ca = await mock.initializeCA(generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  const foreign = await mock.initializeCA(generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  // The mock TSA reads its clock object at each request. Whole seconds: @sigstore/core reads
  // GeneralizedTime fractions only as three digits, and DER drops trailing zeros (".12Z").
  const clock = new Date()
  const tsa = await mock.initializeTSA(generateKeyPairSync('ec', { namedCurve: 'P-256' }), clock)
  const tick = () => clock.setTime(Math.ceil(Date.now() / 1000) * 1000)
  const createdAt = new Date(Date.now() - 60_000)
  return {
    trustedRoot: (options = {}) => trustedRoot(ca, tsa, createdAt, options.caValidUntil),
    attest: (options) => attest(options.foreignCertificate ? foreign : ca, tsa, tick, options),
  }
}

function trustedRoot(ca: CA, tsa: TSA, start: Date, caValidUntil?: Date): Record<string, unknown> {
  const der = (bytes: ArrayBufferView) => ({ rawBytes: base64(bytes) })
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.test.invalid',
        certChain: { certificates: [der(ca.rootCertificate)] },
        validFor: {
          start: start.toISOString(),
          ...(caValidUntil !== undefined && { end: caValidUntil.toISOString() }),
        },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore-tsa' },
        uri: 'https://timestamp.test.invalid',
        certChain: { certificates: [der(tsa.intCertificate), der(tsa.rootCertificate)] },
        validFor: { start: start.toISOString() },
      },
    ],
  }
}

async function attest(ca: CA, tsa: TSA, tick: () => void, options: AttestOptions): Promise<Record<string, unknown>> {
  const { identity } = options
  const server = identity.serverUrl ?? 'https://github.com'
  const workflowRepository = identity.workflowRepository ?? identity.repository
  const sha = identity.sha ?? 'a'.repeat(40)
  const ref = identity.ref ?? 'refs/heads/main'
  const signer = `${server}/${workflowRepository}/${identity.workflow}`
  const issuer = identity.issuer ?? ACTIONS_ISSUER

  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const certificate = await ca.issueCertificate({
    publicKey: keys.publicKey.export({ format: 'der', type: 'spki' }),
    subjectAltName: signer,
    // Fulcio's OIDs for GitHub Actions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md).
    extensions: [
      { oid: '1.3.6.1.4.1.57264.1.1', value: issuer, legacy: true },
      { oid: '1.3.6.1.4.1.57264.1.8', value: issuer },
      { oid: '1.3.6.1.4.1.57264.1.9', value: signer },
      { oid: '1.3.6.1.4.1.57264.1.11', value: 'github-hosted' },
      { oid: '1.3.6.1.4.1.57264.1.12', value: `${server}/${identity.repository}` },
      { oid: '1.3.6.1.4.1.57264.1.13', value: sha },
      { oid: '1.3.6.1.4.1.57264.1.14', value: ref },
      { oid: '1.3.6.1.4.1.57264.1.18', value: `${server}/${identity.repository}/${identity.workflow}` },
      { oid: '1.3.6.1.4.1.57264.1.20', value: 'push' },
      { oid: '1.3.6.1.4.1.57264.1.21', value: `${server}/${identity.repository}/actions/runs/77/attempts/1` },
    ],
  })

  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: options.subjects.map((digest) => ({
      name: options.subjectName ?? 'registry.example/app',
      digest: { sha256: digest.replace(/^sha256:/, '') },
    })),
    predicateType: options.predicateType ?? SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: { ref, repository: `${server}/${identity.repository}`, path: identity.workflow },
        },
        resolvedDependencies: [{ uri: `git+${server}/${identity.repository}@${ref}`, digest: { gitCommit: sha } }],
      },
      runDetails: { builder: { id: `${server}/actions/runner/github-hosted` }, metadata: { invocationId: 'run 77' } },
    },
  }
  const payload = Buffer.from(JSON.stringify(statement))
  const signature = signWith('sha256', dsse.preAuthEncoding(IN_TOTO, payload), keys.privateKey)
  const signedPayload = options.tamper
    ? Buffer.from(JSON.stringify({ ...statement, predicate: { ...statement.predicate, tampered: true } }))
    : payload

  tick()
  const timestamps = options.noTimestamp
    ? []
    : [
        {
          signedTimestamp: base64(
            await tsa.timestamp({
              artifactHash: createHash('sha256').update(signature).digest(),
              hashAlgorithmOID: SHA256_OID,
              nonce: Math.floor(Math.random() * 1e9),
              policyOID: '1.2.3.4',
              certReq: true,
            }),
          ),
        },
      ]
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: base64(certificate) },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: timestamps },
    },
    dsseEnvelope: {
      payload: signedPayload.toString('base64'),
      payloadType: IN_TOTO,
      signatures: [{ sig: signature.toString('base64'), keyid: '' }],
    },
  }
}

function base64(bytes: ArrayBufferView): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
