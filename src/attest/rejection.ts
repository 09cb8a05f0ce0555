// Why one attestation does not vouch for the image. The message completes a sentence that
// starts with the attestation's name ("attestation 2 …"), so several can be listed together.
export type RejectionKind =
  | 'malformed'
  | 'not-attestation'
  | 'not-keyless'
  | 'invalid'
  | 'signature'
  | 'untrusted-chain'
  | 'expired-root'
  | 'timestamp'
  | 'transparency-log'
  | 'subject'
  | 'predicate-type'
  | 'issuer'
  | 'signer'
  | 'source-repository'

export class Rejection extends Error {
  constructor(
    readonly kind: RejectionKind,
    message: string,
  ) {
    super(message)
    this.name = 'Rejection'
  }
}
