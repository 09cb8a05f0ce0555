// A Sigstore of the tests' own, the way GitHub's instance for private repositories is built: a
// Fulcio-like certificate authority (@sigstore/mock) that issues short-lived certificates
// carrying GitHub Actions' OIDC claims as Fulcio's extensions, an RFC 3161 timestamp authority
// (@sigstore/mock), no transparency log, and a trusted_root.json naming the two. With
// `transparencyLog`, it is built like the public-good instance instead: a Rekor-like log
// (@sigstore/mock) records every signature, and the root names the log too. `attest` then
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
  /** In a world with a transparency log: do not record the signature there. */
  readonly noTransparencyLog?: boolean
}

export interface SigstoreWorld {
  /** The trusted_root.json naming this world's CA and TSA, as an object. */
  trustedRoot(options?: { caValidUntil?: Date }): Record<string, unknown>
  /** A signed attestation bundle (JSON, as GitHub's API serves it). */
  attest(options: AttestOptions): Promise<Record<string, unknown>>
}

export async function createSigstoreWorld(options: { transparencyLog?: boolean } = {}): Promise<SigstoreWorld> {
  const ca = await mock.initializeCA(generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  const foreign = await mock.initializeCA(generateKeyPairSync('ec', { namedCurve: 'P-256' }))
  // The mock TSA reads its clock object at each request. Whole seconds: @sigstore/core reads
  // GeneralizedTime fractions only as three digits, and DER drops trailing zeros (".12Z").
  const clock = new Date()
  const tsa = await mock.initializeTSA(generateKeyPairSync('ec', { namedCurve: 'P-256' }), clock)
  const tick = () => clock.setTime(Math.ceil(Date.now() / 1000) * 1000)
  const createdAt = new Date(Date.now() - 60_000)
  const tlog = options.transparencyLog
    ? await mock.initializeTLog(REKOR_URL, generateKeyPairSync('ec', { namedCurve: 'P-256' }))
    : undefined
  return {
    trustedRoot: (rootOptions = {}) => trustedRoot(ca, tsa, tlog, createdAt, rootOptions.caValidUntil),
    attest: (attestOptions) =>
      attest(
        attestOptions.foreignCertificate ? foreign : ca,
        tsa,
        attestOptions.noTransparencyLog ? undefined : tlog,
        tick,
        attestOptions,
      ),
  }
}

const REKOR_URL = 'https://rekor.test.invalid'
type TLog = Awaited<ReturnType<typeof mock.initializeTLog>>

function trustedRoot(
  ca: CA,
  tsa: TSA,
  tlog: TLog | undefined,
  start: Date,
  caValidUntil?: Date,
): Record<string, unknown> {
  const der = (bytes: ArrayBufferView) => ({ rawBytes: base64(bytes) })
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs:
      tlog === undefined
        ? []
        : [
            {
              baseUrl: REKOR_URL,
              hashAlgorithm: 'SHA2_256',
              publicKey: {
                rawBytes: tlog.publicKey.toString('base64'),
                keyDetails: 'PKIX_ECDSA_P256_SHA_256',
                validFor: { start: start.toISOString() },
              },
              logId: { keyId: createHash('sha256').update(tlog.publicKey).digest('base64') },
            },
          ],
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

async function attest(
  ca: CA,
  tsa: TSA,
  tlog: TLog | undefined,
  tick: () => void,
  options: AttestOptions,
): Promise<Record<string, unknown>> {
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
  const tlogEntries = tlog === undefined ? [] : [await logEntry(tlog, payload, signature, certificate)]
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: base64(certificate) },
      tlogEntries,
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

/** Records the signature in the log as Rekor records a DSSE entry, and returns the bundle's entry. */
async function logEntry(
  tlog: TLog,
  payload: Buffer,
  signature: Buffer,
  certificate: ArrayBufferView,
): Promise<Record<string, unknown>> {
  const pem = `-----BEGIN CERTIFICATE-----\n${base64(certificate)}\n-----END CERTIFICATE-----\n`
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')
  const response = (await tlog.log({
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.concat([payload, signature])) },
      payloadHash: { algorithm: 'sha256', value: sha256(payload) },
      signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(pem).toString('base64') }],
    },
  })) as unknown as Record<string, LoggedEntry>
  const entry = Object.values(response)[0]!
  const proof = entry.verification.inclusionProof
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(entry.integratedTime),
    inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(proof.logIndex),
      rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
      treeSize: String(proof.treeSize),
      hashes: proof.hashes,
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: entry.body,
  }
}

interface LoggedEntry {
  body: string
  integratedTime: number
  logID: string
  logIndex: number
  verification: {
    signedEntryTimestamp: string
    inclusionProof: { logIndex: number; rootHash: string; treeSize: number; hashes: string[]; checkpoint: string }
  }
}
