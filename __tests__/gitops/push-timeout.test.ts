// The push-timeout input and what the push loop retries: pure, no servers, no sleeping.
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { DEFAULT_PUSH_TIMEOUT_MS, parsePushTimeout } from '../../src/gitops/push-timeout.js'
import type { GitOpsRepository } from '../../src/gitops/repository.js'
import { type MovedBase, classifyWriteFailure, pushToBase } from '../../src/gitops/writer.js'

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

describe('pushToBase against a base that never stops moving (injected clock, no sleeping)', () => {
  test('retries with growing, capped waits until push-timeout, then names the input', async () => {
    let now = 0
    const waits: number[] = []
    const clock = {
      now: () => now,
      sleep: (ms: number) => {
        waits.push(ms)
        now += ms
        return Promise.resolve()
      },
    }
    let head = 0
    const snapshot = () => ({ branch: 'main', commitSha: String(++head).padStart(40, '0'), treeSha: 't'.repeat(40) })
    const repo = {
      fullName: 'acme/gitops',
      findBranch: () => Promise.resolve({ ...snapshot(), parents: [], message: 'someone else' }),
      listBlobs: () => Promise.resolve(new Map<string, string>()),
      commitOnBranch: () => Promise.resolve('stale' as const),
    } as unknown as GitOpsRepository
    const prepared: MovedBase[] = []

    await expect(
      pushToBase(repo, {
        base: 'main',
        initial: snapshot(),
        message: 'Deploy',
        timeoutMs: 120_000,
        retryDelayMs: 500,
        clock,
        prepare: (_snapshot, moved) => {
          if (moved !== undefined) prepared.push(moved)
          return Promise.resolve({ files: [{ path: 'a.yaml', content: 'image: x\n' }] })
        },
      }),
    ).rejects.toThrow(/other workflows kept pushing to main for 120 s \(\d+ attempts\)\. Raise `push-timeout`/)

    expect(now).toBeLessThanOrEqual(120_000)
    expect(waits.length).toBeGreaterThan(5)
    expect(Math.max(...waits)).toBeLessThanOrEqual(500 * 32)
    expect(waits[0]).toBeLessThanOrEqual(500)
    // Every retry was told what the new head holds.
    expect(prepared).toHaveLength(waits.length)
    expect(prepared.every((moved) => moved.blobs instanceof Map)).toBe(true)
  })
})
