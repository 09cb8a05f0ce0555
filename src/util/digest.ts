// Content digests as OCI writes them.
import { createHash } from 'node:crypto'

/** `sha256:` + the lowercase hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}
