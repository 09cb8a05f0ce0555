// How long a run may wait, in one place. Each client retries under its own policy; the
// worst case of a run is the sum of the phases that run one after another:
//   GitHub API request: up to 4 tries, waits 0.5–8 s each, within 60 s; rate limits wait at most 60 s a time.
//   Google token (STS, IAM Credentials, GitHub OIDC): up to 4 tries within 60 s.
//   Registry request (token, HEAD, PUT, PATCH, …): up to 5 tries within 2 minutes.
// Longer waits are the user's to choose through inputs (`push-timeout`, `verify-timeout`).
import type { RetryPolicy } from './retry.js'

export const GITHUB_REQUEST: RetryPolicy = { attempts: 4, deadlineMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 }

export const GOOGLE_TOKEN: RetryPolicy = { attempts: 4, deadlineMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 }

export const REGISTRY_REQUEST: RetryPolicy = {
  attempts: 5,
  deadlineMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
}

/** Longest `retry-after` / rate-limit reset the action waits for before giving up. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000
