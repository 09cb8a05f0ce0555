// After Argo CD reports Healthy: each smoke-test URL must answer 2xx within the smoke-test
// timeout. Any other answer or no answer is tried again with backoff; the failure shows the last
// status and the beginning of the body.
import * as core from '@actions/core'
import { errorMessage, noAnswerReason } from '../errors.js'
import { readHead } from '../net/capped-body.js'
import { proxiedFetch } from '../net/proxy.js'
import { type Clock, type RetryPolicy, retry } from '../net/retry.js'
import { formatDuration } from '../util/duration.js'

export interface SmokeResult {
  readonly url: string
  readonly ok: boolean
  readonly attempts: number
  /** `HTTP 200`, `HTTP 503: <body…>`, or the network error. */
  readonly last: string
}

class SmokeFailure extends Error {}

/** Tries back off from 0.5 s to a cap of a twentieth of the timeout, between 1 s and 10 s. */
export function smokePolicy(timeoutMs: number): RetryPolicy {
  const maxDelayMs = Math.min(10_000, Math.max(1_000, Math.round(timeoutMs / 20)))
  return { deadlineMs: timeoutMs, baseDelayMs: 500, maxDelayMs }
}

export async function smokeTest(url: string, timeoutMs: number, clock: Clock): Promise<SmokeResult> {
  let attempts = 0
  let last = ''
  const started = clock.now()
  try {
    await retry(
      async () => {
        attempts++
        const remaining = Math.max(1_000, timeoutMs - (clock.now() - started))
        let response: Response
        try {
          response = await proxiedFetch(url, {
            redirect: 'follow',
            signal: AbortSignal.timeout(Math.min(30_000, remaining)),
          })
        } catch (error) {
          last = `no answer (${noAnswerReason(error)})`
          throw new SmokeFailure(last)
        }
        // Only the beginning is ever shown: the rest is not downloaded, however large.
        const head = await readHead(response, SNIPPET_BYTES).catch(() => ({
          bytes: new Uint8Array(),
          truncated: false,
        }))
        const body = snippet(head.bytes, head.truncated)
        last = `HTTP ${response.status}${body === '' ? '' : `: ${body}`}`
        if (response.status < 200 || response.status > 299) throw new SmokeFailure(last)
      },
      {
        policy: smokePolicy(timeoutMs),
        classify: (error) =>
          error instanceof SmokeFailure ? { retry: true, reason: error.message } : { retry: false },
        onRetry: (event) => core.info(`Smoke test ${url}: ${event.reason}; trying again in ${event.delayMs} ms`),
        clock,
      },
    )
    core.info(`Smoke test ${url}: ${last.split(':')[0]} after ${attempts} ${attempts === 1 ? 'try' : 'tries'}`)
    return { url, ok: true, attempts, last: last.split(':')[0]! }
  } catch (error) {
    if (!(error instanceof SmokeFailure)) last = errorMessage(error)
    return { url, ok: false, attempts, last }
  }
}

/** Smoke-tests each URL in turn; stops at the first that fails. */
export async function smokeTests(urls: readonly string[], timeoutMs: number, clock: Clock): Promise<SmokeResult[]> {
  const results: SmokeResult[] = []
  for (const url of urls) {
    const result = await smokeTest(url, timeoutMs, clock)
    results.push(result)
    if (!result.ok) break
  }
  return results
}

export function smokeFailure(result: SmokeResult, timeoutMs: number): string {
  return `smoke test ${result.url} did not answer 2xx within ${formatDuration(timeoutMs)} (${result.attempts} ${result.attempts === 1 ? 'try' : 'tries'}); last answer: ${result.last}`
}

const SNIPPET_BYTES = 200

/** The first bytes of a body, on one line; `…` when there was more. */
function snippet(bytes: Uint8Array, truncated: boolean): string {
  const text = Buffer.from(bytes)
    .toString('utf8')
    // A multi-byte character cut at the end.
    .replace(/\uFFFD$/, '')
    .replace(/\s+/g, ' ')
    .trim()
  return text === '' ? '' : `${text}${truncated ? '…' : ''}`
}
