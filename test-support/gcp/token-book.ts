// Every Google access token the stand-ins hand out (federated tokens from STS, service account
// tokens from IAM Credentials), so other stand-ins (the registry's token server) accept exactly
// the tokens Google would accept.
import { randomBytes } from 'node:crypto'

export interface TokenGrant {
  readonly kind: 'federated' | 'service-account'
  /** `principal://iam.googleapis.com/…/subject/SUB` for federated tokens, the email for service accounts. */
  readonly principal: string
  readonly scopes: readonly string[]
  readonly expiresAt: number
  /** Mapped attributes of a federated identity (`repository`, `ref`, …), for IAM bindings. */
  readonly attributes: Readonly<Record<string, string>>
  readonly subject?: string
}

export class TokenBook {
  readonly #grants = new Map<string, TokenGrant>()
  #recent: string[] = []

  issue(grant: TokenGrant): string {
    const prefix = grant.kind === 'federated' ? 'fed' : 'sa'
    const token = `ya29.stand-in-${prefix}-${randomBytes(24).toString('base64url')}`
    this.#grants.set(token, grant)
    this.#recent.push(token)
    return token
  }

  /** The grant behind a token that is known and not expired. */
  lookup(token: string): TokenGrant | undefined {
    const grant = this.#grants.get(token)
    if (!grant || Date.now() >= grant.expiresAt) return undefined
    return grant
  }

  isValidAccessToken(token: string): { principal: string; scopes: readonly string[] } | undefined {
    const grant = this.lookup(token)
    return grant && { principal: grant.principal, scopes: grant.scopes }
  }

  /** Makes every token issued so far invalid, as if they had all expired. */
  expireAll(): void {
    for (const [token, grant] of this.#grants) this.#grants.set(token, { ...grant, expiresAt: 0 })
  }

  revoke(token: string): void {
    this.#grants.delete(token)
  }

  /** Tokens issued since start or the last `forgetRecent`, for tests that check masking; never logged. */
  issuedTokens(): string[] {
    return [...this.#recent]
  }

  /** Starts a new `issuedTokens` list; the tokens stay valid. */
  forgetRecent(): void {
    this.#recent = []
  }

  get size(): number {
    return this.#grants.size
  }
}
