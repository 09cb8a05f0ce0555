import { describe, expect, test } from '@jest/globals'
import { fakeClock } from '../../test-support/clock.js'
import { nextDelay, parseRetryAfter, retry, transientFailure } from '../../src/net/retry.js'

const failing = (errors: unknown[]) => {
  let calls = 0
  return (): Promise<string> => {
    const error = errors[calls++]
    return error === undefined ? Promise.resolve('ok') : Promise.reject(error as Error)
  }
}

describe('retry', () => {
  test('retries transient failures and returns the first success', async () => {
    const clock = fakeClock()
    const work = failing([{ status: 503 }, Object.assign(new Error('reset'), { code: 'ECONNRESET' })])
    await expect(retry(work, { policy: { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }, clock })).resolves.toBe(
      'ok',
    )
    expect(clock.slept).toHaveLength(2)
  })

  test('does not retry a client error', async () => {
    const clock = fakeClock()
    await expect(
      retry(failing([{ status: 404 }]), { policy: { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 }, clock }),
    ).rejects.toEqual({ status: 404 })
    expect(clock.slept).toHaveLength(0)
  })

  test('stops after the attempts and throws the last error', async () => {
    const clock = fakeClock()
    const work = failing([{ status: 500 }, { status: 502 }, { status: 503 }])
    await expect(retry(work, { policy: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, clock })).rejects.toEqual({
      status: 503,
    })
    expect(clock.slept).toHaveLength(2)
  })

  test('stops before a wait would cross the deadline', async () => {
    const clock = fakeClock()
    const work = () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
    await expect(
      retry(work, { policy: { deadlineMs: 10_000, baseDelayMs: 1000, maxDelayMs: 4000 }, clock }),
    ).rejects.toThrow('refused')
    expect(clock.now()).toBeLessThanOrEqual(10_000)
    expect(clock.slept.length).toBeGreaterThan(2)
  })

  test('honours Retry-After, and gives up when it asks for too long', async () => {
    const clock = fakeClock()
    const events: number[] = []
    const work = failing([{ status: 429, retryAfterMs: 2500 }])
    const policy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }
    await retry(work, { policy, clock, onRetry: (event) => events.push(event.delayMs) })
    expect(events).toEqual([2500])
    await expect(retry(failing([{ status: 429, retryAfterMs: 60_000 }]), { policy, clock })).rejects.toEqual({
      status: 429,
      retryAfterMs: 60_000,
    })
  })
})

describe('helpers', () => {
  test('delays stay within the doubling cap', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const delay = nextDelay({ baseDelayMs: 100, maxDelayMs: 1000 }, attempt)!
      const cap = Math.min(1000, 100 * 2 ** (attempt - 1))
      expect(delay).toBeGreaterThanOrEqual(cap / 2)
      expect(delay).toBeLessThanOrEqual(cap)
    }
  })

  test.each([
    ['7', 7000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('parseRetryAfter(%p)', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(expected)
  })

  test('fetch-wrapped socket errors are transient; DNS typos are not', () => {
    const wrapped = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })
    expect(transientFailure(wrapped)).toMatchObject({ retry: true, reason: 'ECONNRESET' })
    expect(transientFailure(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toEqual({ retry: false })
  })
})
