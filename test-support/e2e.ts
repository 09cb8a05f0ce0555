// The set-up every end-to-end file shares: the stand-ins start before the file's tests (seeded
// with the files it needs), every GitHub request of each test is checked against GitHub's
// OpenAPI description after it, and everything is closed after the last test.
import { afterAll, afterEach, beforeAll, expect } from '@jest/globals'
import { type Stack, type StackOptions, startStack } from './stack.js'

export interface E2eOptions extends StackOptions {
  /** Files to commit to the GitOps repository's default branch once the stand-ins are up. */
  readonly seed?: (stack: Stack) => Record<string, string> | Promise<Record<string, string>>
  /** After each test, fail on requests that broke GitHub's OpenAPI description (default true). */
  readonly checkRequests?: boolean
}

/**
 * Registers the file's hooks and returns the stack. It is usable inside tests and hooks (it
 * starts in `beforeAll`); reading it at the top level of the file throws, saying so.
 */
export function useStack(options: E2eOptions = {}): Stack {
  let started: Stack | undefined
  beforeAll(async () => {
    started = await startStack(options)
    if (options.seed) await started.github.seed(await options.seed(started))
  }, 120_000)
  afterAll(async () => {
    await started?.close()
  })
  if (options.checkRequests !== false) {
    afterEach(() => {
      expect(started?.github.takeValidationErrors() ?? []).toEqual([])
    })
  }
  return new Proxy({} as Stack, {
    get(_, key) {
      if (started === undefined)
        throw new Error('The stand-ins start in beforeAll: use the stack inside tests and hooks.')
      const value: unknown = Reflect.get(started, key)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value
    },
  })
}
