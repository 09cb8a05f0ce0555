// An unexpected error while verifying (a bug, a dependency's TypeError) ends as one failure that
// says where it happened, never as a raw TypeError.
import { expect, test } from '@jest/globals'
import type { GitOpsRepository } from '../../src/gitops/repository.js'
import type { Settings } from '../../src/settings.js'
import type { ArgoCdClient } from '../../src/verify/argocd.js'
import { type ArgoCdWait, Verifier } from '../../src/verify/index.js'
import type { VerifySettings } from '../../src/verify/settings.js'

const OURS = 'a'.repeat(40)

test('a TypeError during the wait is wrapped: what happened, after which commit, nothing reverted', async () => {
  const verify = {
    commitStatuses: [],
    timeoutMs: 60_000,
    smokeTestUrls: [],
    smokeTestTimeoutMs: 1_000,
    onFailure: 'revert',
  }
  const client = {
    getApplication: () => Promise.resolve({ status: { sync: { status: 'OutOfSync', revision: 'b'.repeat(40) } } }),
  } as unknown as ArgoCdClient
  const clock = {
    now: () => Date.parse('2026-01-01T10:00:00Z'),
    sleep: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'status')")),
  }
  const verifier = new Verifier(
    { images: [] } as unknown as Settings,
    verify as unknown as VerifySettings,
    { contains: () => Promise.resolve(false) } as unknown as GitOpsRepository,
    {
      client,
      applications: [
        { ref: { name: 'backend' }, sourceIndex: 0, uiUrl: 'https://argocd.example/applications/argocd/backend' },
      ],
    } as unknown as ArgoCdWait,
    clock,
  )
  const change = { revision: OURS, committed: true, base: 'main', written: [], pinnedImage: 'x', digest: 'y' }
  const failure = await verifier.run(change).then(
    () => undefined,
    (error: unknown) => error as Error,
  )
  expect(failure).toBeInstanceOf(Error)
  expect(failure!.name).toBe('Error')
  expect(failure!.message).toBe(
    "Verification could not finish after the commit aaaaaaa (an unexpected error: Cannot read properties of undefined (reading 'status')); nothing was reverted.",
  )
})
