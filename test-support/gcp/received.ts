// What the stand-ins saw, for assertions: outcomes and non-secret fields only, never tokens.
export interface ReceivedRequest {
  readonly service: 'oidc' | 'sts' | 'iam'
  readonly method: string
  readonly path: string
  /** HTTP status answered, or 'reset' when the connection was dropped. */
  readonly status: number | 'reset'
  /** OIDC: the requested audience; STS: the exchange audience. */
  readonly audience?: string
  /** STS: how the body was encoded. */
  readonly encoding?: 'form' | 'json'
  readonly scopes?: readonly string[]
  /** STS: the `sub` of the verified subject token. */
  readonly subject?: string
  /** IAM: the impersonated service account. */
  readonly serviceAccount?: string
  readonly lifetime?: string
  /** OAuth `error` or google.rpc status of a refused request. */
  readonly error?: string
}
