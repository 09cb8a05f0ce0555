// The token issuer's key and certificate, and the registry JWTs signed with them.
// distribution 2.8 trusts a token when its `x5c` header chain verifies against the
// `rootcertbundle` file; a self-signed certificate that is itself the bundle is enough.
// node:crypto cannot write X.509 certificates, so the openssl CLI makes the pair once.
import { execFile } from 'node:child_process'
import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface IssuerKey {
  readonly privateKey: KeyObject
  /** PEM text of the self-signed certificate: the registry's rootcertbundle. */
  readonly certificatePem: string
  /** Base64 DER of the certificate, as the `x5c` header carries it. */
  readonly certificateDer: string
}

export interface ResourceAccess {
  readonly type: string
  readonly name: string
  readonly actions: string[]
}

export interface RegistryClaims {
  readonly issuer: string
  readonly subject: string
  readonly audience: string
  readonly access: ResourceAccess[]
  readonly lifetimeSeconds: number
}

let cached: Promise<IssuerKey> | undefined

/** One P-256 key and certificate per process: openssl takes a few hundred ms on a small runner. */
export function issuerKey(): Promise<IssuerKey> {
  cached ??= createIssuerKey()
  return cached
}

async function createIssuerKey(): Promise<IssuerKey> {
  const dir = await mkdtemp(path.join(tmpdir(), 'registry-issuer-'))
  try {
    const keyFile = path.join(dir, 'key.pem')
    const certFile = path.join(dir, 'cert.pem')
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=registry-token-issuer',
    ]).catch((error: unknown) => {
      throw new Error(
        `openssl could not create the token issuer's certificate (install the openssl package): ${String(error)}`,
      )
    })
    const certificatePem = await readFile(certFile, 'utf8')
    const privateKey = createPrivateKey(await readFile(keyFile, 'utf8'))
    const certificateDer = new X509Certificate(certificatePem).raw.toString('base64')
    return { privateKey, certificatePem, certificateDer }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export interface SignedToken {
  readonly token: string
  readonly jti: string
  readonly issuedAt: Date
}

export function signRegistryToken(key: IssuerKey, claims: RegistryClaims): SignedToken {
  const now = Math.floor(Date.now() / 1000)
  const jti = randomUUID()
  const header = { typ: 'JWT', alg: 'ES256', x5c: [key.certificateDer] }
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    exp: now + claims.lifetimeSeconds,
    // The registry allows a minute of clock skew; nbf in the past keeps a fresh token valid at once.
    nbf: now - 10,
    iat: now,
    jti,
    access: claims.access,
  }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`
  // JOSE wants ECDSA signatures as raw r||s, not DER.
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
  return { token: `${signingInput}.${signature.toString('base64url')}`, jti, issuedAt: new Date(now * 1000) }
}

/** The `jti` claim of a JWT, without verifying it; undefined for anything else. */
export function tokenId(token: string): string | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown }
    return typeof claims.jti === 'string' ? claims.jti : undefined
  } catch {
    return undefined
  }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}
