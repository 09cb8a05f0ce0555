// The shape check of Argo CD's answers: what verification reads must have the type it expects.
import { describe, expect, test } from '@jest/globals'
import { MalformedAnswer, readApplication } from '../../src/verify/answer.js'

describe('readApplication', () => {
  test('an application as Argo CD sends it passes unchanged, nulls included', () => {
    const app = {
      metadata: { name: 'backend' },
      spec: { source: { repoURL: 'https://github.com/a/b', path: 'x' }, syncPolicy: { automated: {} } },
      status: {
        sync: { status: 'Synced', revision: 'a'.repeat(40), revisions: null },
        conditions: null,
        resources: [{ kind: 'Deployment', health: { status: 'Healthy' } }],
        extra: { anything: [1, 2] },
      },
    }
    expect(readApplication(app)).toBe(app)
  })

  test.each([
    [null, 'the body (null)'],
    ['<html>sign in</html>', 'the body'],
    [[], 'the body'],
    [{ status: { conditions: { type: 'SyncError' } } }, 'status.conditions'],
    [{ status: { sync: { revision: 42 } } }, 'status.sync.revision'],
    [{ status: { resources: [{ health: 'Healthy' }] } }, 'status.resources[0].health'],
    [
      { status: { operationState: { syncResult: { revisions: [1] } } } },
      'status.operationState.syncResult.revisions[0]',
    ],
    [{ spec: { sources: {} } }, 'spec.sources'],
  ])('%j is malformed at %s', (json, field) => {
    expect(() => readApplication(json)).toThrow(MalformedAnswer)
    try {
      readApplication(json)
    } catch (error) {
      expect((error as MalformedAnswer).field).toBe(field)
    }
  })
})
