// The one place that masks secrets: every token goes through `maskSecret` the moment it
// exists, and every message the action builds from a server's answer can go through
// `scrubSecrets`, a belt to the braces of never formatting a token in.
import * as core from '@actions/core'

const known = new Set<string>()

// A JWT's header and claims are readable by anyone who holds it; its signature is what makes
// it usable. Masking only the signature keeps the whole token out of the log, the mask command
// included (`::add-mask::` is itself a log line).
const JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.([A-Za-z0-9_-]{16,})$/

/** Masks `value` in the job log (once) and remembers it for `scrubSecrets`. */
export function maskSecret(value: string | undefined | null): void {
  // Masking short strings would garble unrelated log text.
  if (!value || value.length < 8 || known.has(value)) return
  known.add(value)
  const signature = JWT.exec(value)?.[1]
  core.setSecret(signature ?? value)
}

/** Replaces every secret masked so far in `text` with `***`. */
export function scrubSecrets(text: string): string {
  let result = text
  for (const secret of known) {
    result = result.split(secret).join('***')
    const signature = JWT.exec(secret)?.[1]
    if (signature !== undefined) result = result.split(signature).join('***')
  }
  return result
}

// Credentials a server may echo back that were never masked as such: the Basic header the
// registry's token endpoint received, a bearer in a proxy's error page, a GitHub token quoted
// in an API error.
const ECHOED_CREDENTIALS: readonly [RegExp, string][] = [
  [/\b(Basic|Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1$2***'],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, '***'],
]

/** `scrubSecrets`, and credentials of well-known shapes that were never masked. */
export function scrubCredentials(text: string): string {
  let result = scrubSecrets(text)
  for (const [pattern, replacement] of ECHOED_CREDENTIALS) result = result.replace(pattern, replacement)
  return result
}
