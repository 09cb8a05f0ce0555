// The commit-status verdict: success on the revision or a later commit containing it, failure at
// once with the description and link, pending and missing contexts wait; and the timeout names them.
import { describe, expect, test } from '@jest/globals'
import { contextMatcher, evaluateStatuses, timeoutReason } from '../../src/verify/commit-status.js'

const REV = 'a'.repeat(40)
const LATER = 'b'.repeat(40)
const ARGO = 'continuous-delivery/backend'
const FLUX = 'kustomization/apps/1a2b3c4d'

describe('contextMatcher', () => {
  test('`*` matches any run of characters, slashes included; the rest is literal', () => {
    expect(contextMatcher('kustomization/apps/*')(FLUX)).toBe(true)
    expect(contextMatcher('kustomization/*')(FLUX)).toBe(true)
    expect(contextMatcher('kustomization/apps/*')('kustomization/apps2/1a2b3c4d')).toBe(false)
    expect(contextMatcher('ci (build).x')('ci (build).x')).toBe(true)
    expect(contextMatcher('ci (build).x')('ci (build)Xx')).toBe(false)
    expect(contextMatcher(ARGO)(`${ARGO}-canary`)).toBe(false)
  })
})

describe('evaluateStatuses', () => {
  test('success on the revision passes', () => {
    expect(evaluateStatuses([ARGO], [{ sha: REV, statuses: [{ context: ARGO, state: 'success' }] }])).toEqual({
      kind: 'passed',
      revision: REV,
      contexts: [ARGO],
    })
  })

  test('success on a later commit that contains ours passes, at that commit', () => {
    const verdict = evaluateStatuses(
      [ARGO, 'kustomization/apps/*'],
      [
        { sha: REV, statuses: [{ context: FLUX, state: 'success' }] },
        { sha: LATER, statuses: [{ context: ARGO, state: 'success' }] },
      ],
    )
    expect(verdict).toEqual({ kind: 'passed', revision: LATER, contexts: [ARGO, FLUX] })
  })

  test('failure or error on either commit fails at once, naming context, description and link', () => {
    const verdict = evaluateStatuses(
      [ARGO, 'kustomization/apps/*'],
      [
        { sha: REV, statuses: [{ context: ARGO, state: 'pending' }] },
        {
          sha: LATER,
          statuses: [
            {
              context: FLUX,
              state: 'failure',
              description: 'kustomize build failed: accumulating resources',
              targetUrl: 'https://flux.example/apps',
            },
          ],
        },
      ],
    )
    expect(verdict).toEqual({
      kind: 'failed',
      context: FLUX,
      reason: `commit status "${FLUX}" is failure on bbbbbbb: kustomize build failed: accumulating resources (https://flux.example/apps)`,
    })
    expect(
      evaluateStatuses([ARGO], [{ sha: REV, statuses: [{ context: ARGO, state: 'error', description: null }] }]),
    ).toMatchObject({ kind: 'failed', reason: `commit status "${ARGO}" is error on aaaaaaa` })
  })

  test('pending and missing wait; every context a glob matches must succeed', () => {
    const verdict = evaluateStatuses(
      [ARGO, 'kustomization/*'],
      [
        {
          sha: REV,
          statuses: [
            { context: ARGO, state: 'pending', description: 'Syncing' },
            { context: 'kustomization/apps/1', state: 'success' },
            { context: 'kustomization/infra/2', state: 'pending' },
          ],
        },
      ],
    )
    expect(verdict).toEqual({
      kind: 'waiting',
      missing: [],
      pending: [
        { context: ARGO, state: 'pending', description: 'Syncing' },
        { context: 'kustomization/infra/2', state: 'pending' },
      ],
    })
    const nothing = evaluateStatuses([ARGO], [{ sha: REV, statuses: [{ context: 'ci/build', state: 'failure' }] }])
    expect(nothing).toEqual({ kind: 'waiting', missing: [ARGO], pending: [] })
  })

  test('the timeout names contexts that never reported and those still pending', () => {
    const verdict = evaluateStatuses(
      [ARGO, 'kustomization/apps/*'],
      [{ sha: REV, statuses: [{ context: ARGO, state: 'pending', description: 'Progressing' }] }],
    )
    expect(timeoutReason(REV, 'main', verdict, [ARGO, 'kustomization/apps/*'])).toBe(
      `no commit status "kustomization/apps/*" was reported on aaaaaaa or a later commit of main; "${ARGO}" is still pending: Progressing`,
    )
    expect(timeoutReason(REV, 'main', undefined, [ARGO])).toBe(
      `no commit status "${ARGO}" was reported on aaaaaaa or a later commit of main`,
    )
  })
})
