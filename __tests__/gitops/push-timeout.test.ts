// The push-timeout input and what the push loop retries: pure, no servers, no sleeping.
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { DEFAULT_PUSH_TIMEOUT_MS, parsePushTimeout } from '../../src/gitops/push-timeout.js'
import { classifyWriteFailure } from '../../src/gitops/writer.js'

describe('parsePushTimeout', () => {
  test.each([
    ['', DEFAULT_PUSH_TIMEOUT_MS],
    ['5m', 300_000],
    ['90s', 90_000],
    ['300', 300_000],
    [' 1h ', 3_600_000],
    ['1.5m', 90_000],
  ])('%j is %d ms', (value, ms) => {
    expect(parsePushTimeout(value)).toBe(ms)
  })

  test.each(['5 minutes', '-1', '0', 'm', '10d', '7h'])('%j is refused, naming the input and the format', (value) => {
    expect(() => parsePushTimeout(value)).toThrow(InputError)
    expect(() => parsePushTimeout(value)).toThrow(/push-timeout.*`90s`, `5m`/)
  })
})

describe('classifyWriteFailure', () => {
  const rateLimited = (status: number, headers: Record<string, string>) =>
    Object.assign(new Error('limited'), { status, response: { headers } })

  test('a secondary rate limit waits for retry-after', () => {
    expect(classifyWriteFailure(rateLimited(403, { 'retry-after': '30' }))).toEqual({
      retry: true,
      reason: 'rate limited',
      afterMs: 30_000,
    })
  })

  test('an exhausted limit waits until x-ratelimit-reset, also through a wrapping error', () => {
    const now = 1_700_000_000_000
    const inner = rateLimited(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 42) })
    const wrapped = new Error('Could not commit', { cause: inner })
    expect(classifyWriteFailure(Object.assign(wrapped, { status: 429 }), now)).toMatchObject({ afterMs: 42_000 })
  })

  test.each([
    ['a 403 without a wait (no permission)', rateLimited(403, {})],
    ['a 422', rateLimited(422, {})],
    ['a 500 the client already retried', rateLimited(500, {})],
    ['a plain error', new Error('boom')],
  ])('%s ends the run', (_, error) => {
    expect(classifyWriteFailure(error)).toEqual({ retry: false })
  })
})
