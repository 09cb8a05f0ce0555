// The push-timeout input and what the push loop retries: pure, no servers, no sleeping.
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { durationInput } from '../../src/util/duration.js'
import type { GitOpsRepository } from '../../src/gitops/repository.js'
import { type MovedBase, classifyWriteFailure, contentionDelay, pushToBase } from '../../src/gitops/writer.js'

describe('push-timeout (the one duration rule, at most 6h)', () => {
  const parsePushTimeout = (value: string) => durationInput('push-timeout', value, '5m', 6 * 3_600_000)

  test.each([
    ['', 300_000],
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

describe('contentionDelay', () => {
  test('spreads the first retry over 20 answer times, growing by half with each further conflict, capped at a minute', () => {
    const top = () => 0.999999
    expect(contentionDelay(1, 250, 5_000, top)).toBe(5_000)
    expect(contentionDelay(2, 250, 5_000, top)).toBe(7_500)
    expect(contentionDelay(3, 100, 5_000, top)).toBe(4_500)
    expect(contentionDelay(20, 250, 5_000, top)).toBe(60_000)
  })

  test('full jitter: any point of the spread, down to none', () => {
    expect(contentionDelay(1, 250, 5_000, () => 0)).toBe(0)
    expect(contentionDelay(1, 250, 5_000, () => 0.5)).toBe(2_500)
  })

  test('never sooner than a second after the previous write (GitHub write spacing)', () => {
    expect(contentionDelay(1, 10, 300, () => 0)).toBe(700)
    expect(contentionDelay(1, 10, 0, () => 0.5)).toBe(1_000)
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
      // GitHub answers in 200 ms; someone else changed b.yaml.
      answerTimeMs: 200,
      movedSince: () => {
        now += 200
        return Promise.resolve({
          head: { ...snapshot(), parents: [], message: 'someone else' },
          changes: new Map([['b.yaml', { status: 'modified', blob: 'b'.repeat(40) }]]),
        })
      },
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
        // The middle of every spread: the waits below are exact.
        random: () => 0.5,
        prepare: (_snapshot, moved) => {
          if (moved !== undefined) prepared.push(moved)
          return Promise.resolve({ files: [{ path: 'a.yaml', content: 'image: x\n' }] })
        },
      }),
    ).rejects.toThrow(/other workflows kept pushing to main for 120 s \(\d+ attempts\)\. Raise `push-timeout`/)

    // No wait crosses the deadline; only the last try's own read (200 ms) may end after it.
    expect(now).toBeLessThanOrEqual(120_000 + 200)
    expect(waits.length).toBeGreaterThan(5)
    // The first spread is 20 answer times (20 × 200 ms); each later one grows by half, up to a minute.
    expect(waits[0]).toBeLessThanOrEqual(20 * 200)
    expect(Math.max(...waits)).toBeLessThanOrEqual(60_000)
    expect(Math.max(...waits.slice(4))).toBeGreaterThan(20 * 200)
    // A try never follows the previous write within a second (plugin-throttling would hold it after the read).
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000)
    // Every retry was told what the competing commits changed.
    expect(prepared).toHaveLength(waits.length)
    expect(prepared.every((moved) => moved.changes?.get('b.yaml')?.status === 'modified')).toBe(true)
  })
})
