// RS256 JWTs with node:crypto: enough of RFC 7515/7519 for the OIDC and STS stand-ins.
import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'

export interface RsaKey {
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
}

export interface DecodedJwt {
  readonly header: Record<string, unknown>
  readonly claims: Record<string, unknown>
  readonly signingInput: string
  readonly signature: Buffer
}

export function generateRsaKey(kid: string): RsaKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid, privateKey, publicKey }
}

export function signJwt(key: RsaKey, claims: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid }
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey)
  return `${signingInput}.${signature.toString('base64url')}`
}

/** Splits and parses a compact JWT; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, claims, signature] = parts as [string, string, string]
  try {
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')) as Record<string, unknown>,
      signingInput: `${header}.${claims}`,
      signature: Buffer.from(signature, 'base64url'),
    }
  } catch {
    return undefined
  }
}

export function verifyRs256(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  if (jwt.header.alg !== 'RS256') return false
  return verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature)
}

/** The key as a JWKS entry, as https://token.actions.githubusercontent.com/.well-known/jwks serves it. */
export function toJwk(key: RsaKey): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: 'jwk' })
  return { ...jwk, kid: key.kid, alg: 'RS256', use: 'sig' }
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}
