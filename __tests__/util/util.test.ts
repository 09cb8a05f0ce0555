import { describe, expect, test } from '@jest/globals'
import { formatBytes } from '../../src/util/bytes.js'
import { sha256 } from '../../src/util/digest.js'
import { eachLimited } from '../../src/util/pool.js'

describe('eachLimited', () => {
  test('runs every item with at most `limit` in flight', async () => {
    let running = 0
    let most = 0
    const done: number[] = []
    await eachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++
      most = Math.max(most, running)
      await Promise.resolve()
      await Promise.resolve()
      done.push(item)
      running--
    })
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(most).toBe(3)
  })

  test('the first failure stops new starts, waits for the running ones, then is thrown', async () => {
    const started: number[] = []
    let finished = 0
    const run = eachLimited([1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item)
      await Promise.resolve()
      if (item === 1) throw new Error('first')
      if (item === 2) throw new Error('second')
      finished++
    })
    await expect(run).rejects.toThrow('first')
    expect(started).toEqual([1, 2])
    expect(finished).toBe(0)
  })

  test('no items: nothing runs', async () => {
    await expect(eachLimited([], 4, () => Promise.reject(new Error('ran')))).resolves.toBeUndefined()
  })
})

test('formatBytes', () => {
  expect([0, 1023, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual([
    '0 B',
    '1023 B',
    '1.0 KiB',
    '1.5 KiB',
    '5.0 GiB',
  ])
})

test('sha256 as an OCI digest', () => {
  expect(sha256(Buffer.from(''))).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})
