// How long a run may wait, in one place. Every client retries under one of these policies
// through `retry` (src/net/retry.ts), or, for the GitHub client, through octokit's retry and
// throttling plugins configured from the same numbers. A policy ends at whichever comes first:
// its attempts or its deadline (counted from the first try, so waits never stretch a phase
// beyond it). Phases run one after another, so the worst case of a run is about their sum:
//   Google token (GitHub OIDC, STS, IAM Credentials): ≤ 4 tries within 60 s, per token, each try
//     abandoned after 30 s, answer included, and never running past the 60 s.
//   Argo CD request: ≤ 3 tries within 30 s, each abandoned after 30 s or at that deadline, answer
//     included; the wait polls within verify-timeout. Smoke test: each try within smoke-test-timeout (≤ 30 s).
//   Registry request (token, GET /v2/, HEAD, POST, PUT of a manifest): ≤ 5 tries within 2 min,
//     each try abandoned when its whole answer has not arrived REGISTRY_ANSWER_TIMEOUT_MS after
//     the request was sent (a server dripping bytes counts) and never running past the 2 min.
//   Blob upload: ≤ 5 tries of the whole upload (each with its own registry requests above);
//     no deadline, since the time a layer takes grows with its size, not with failures.
//   GitHub API request (octokit's plugins, src/gitops/client.ts): ≤ 4 tries, waiting n² × 0.5 s
//     before try n + 1 (0.5 + 2 + 4.5 s), each try abandoned after GITHUB_REQUEST_TIMEOUT_MS;
//     a rate limit is waited out ≤ 3 times, each wait ≤ MAX_RATE_LIMIT_WAIT_MS (longer fails at
//     once); writes are spaced 1 s apart and pull-request creation 3 s, as GitHub recommends.
// Waits are jittered up to the cap shown; a server's Retry-After is honoured up to
// `maxRetryAfterMs` (longer fails the request at once rather than idling the job).
import type { RetryPolicy } from './retry.js'

/** Longest `retry-after` / rate-limit reset the action waits for before giving up. */
export const MAX_RATE_LIMIT_WAIT_MS = 60_000

// plugin-retry has no deadline nor cap: its backoff is quadratic in `baseDelayMs`, bounded by the
// attempts; rate limits are plugin-throttling's, bounded by MAX_RATE_LIMIT_WAIT_MS.
export const GITHUB_REQUEST = { attempts: 4, baseDelayMs: 500 } as const

/** Rate-limit answers (403/429 with a reset) one GitHub request waits through. */
export const GITHUB_RATE_LIMIT_RETRIES = 3

/** A GitHub request with no answer by then is abandoned and retried like a network error. */
export const GITHUB_REQUEST_TIMEOUT_MS = 60_000

export const GOOGLE_TOKEN: RetryPolicy = { attempts: 4, deadlineMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 }

export const REGISTRY_REQUEST: RetryPolicy = {
  attempts: 5,
  deadlineMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 30_000,
}

/** A registry answer (headers and body) must be complete this long after its request was sent. */
export const REGISTRY_ANSWER_TIMEOUT_MS = 30_000

/** How long one try may wait for its answer: the usual limit, but never past the policy's deadline. */
export function answerTimeout(deadline: number, now: number): number {
  return Math.max(1_000, Math.min(REGISTRY_ANSWER_TIMEOUT_MS, deadline - now))
}

export const BLOB_UPLOAD: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 30_000 }
