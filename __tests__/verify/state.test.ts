import { describe, expect, test } from '@jest/globals'
import type { Application } from '../../src/verify/application.js'
import { evaluate, unhealthyResources } from '../../src/verify/state.js'

const OURS = 'a'.repeat(40)
const LATER = 'b'.repeat(40)
const OLDER = 'c'.repeat(40)
const startedAt = Date.parse('2026-01-01T10:00:00Z')

function app(overrides: {
  sync?: string
  revision?: string
  health?: string
  phase?: string
  operationRevision?: string
  finishedAt?: string
  reconciledAt?: string
  conditions?: { type: string; message: string }[]
  noOperation?: boolean
}): Application {
  const operationRevision = overrides.operationRevision ?? overrides.revision ?? OURS
  return {
    status: {
      sync: { status: overrides.sync ?? 'Synced', revision: overrides.revision ?? OURS },
      health: { status: overrides.health ?? 'Healthy' },
      reconciledAt: overrides.reconciledAt ?? '2026-01-01T10:00:30Z',
      ...(overrides.conditions && { conditions: overrides.conditions }),
      ...(!overrides.noOperation && {
        operationState: {
          phase: overrides.phase ?? 'Succeeded',
          message: 'successfully synced (all tasks run)',
          startedAt: '2026-01-01T10:00:10Z',
          ...(overrides.finishedAt !== null && { finishedAt: overrides.finishedAt ?? '2026-01-01T10:00:20Z' }),
          syncResult: { revision: operationRevision },
        },
      }),
      resources: [
        { kind: 'Service', namespace: 'craft', name: 'backend', health: { status: 'Healthy' } },
        {
          kind: 'Deployment',
          namespace: 'craft',
          name: 'backend',
          health: { status: 'Degraded', message: 'Deployment "backend" exceeded its progress deadline' },
        },
        { kind: 'ConfigMap', namespace: 'craft', name: 'settings' },
      ],
    },
  }
}

const target = (contains: [string, boolean][] = []) => ({
  revision: OURS,
  sourceIndex: 0,
  contains: new Map(contains),
  startedAt,
})

describe('evaluate', () => {
  test.each([
    ['Synced, Succeeded, re-evaluated, Healthy', app({}), 'healthy'],
    ['still OutOfSync at ours', app({ sync: 'OutOfSync' }), 'waiting'],
    ['at an older revision', app({ revision: OLDER, operationRevision: OLDER }), 'compare'],
    ['sync operation running', app({ phase: 'Running' }), 'waiting'],
    ['health from before the sync ended (stale)', app({ reconciledAt: '2026-01-01T10:00:15Z' }), 'waiting'],
    ['health in the same second as the end of the sync', app({ reconciledAt: '2026-01-01T10:00:20Z' }), 'waiting'],
    ['Progressing', app({ health: 'Progressing' }), 'waiting'],
    ['Suspended', app({ health: 'Suspended' }), 'waiting'],
    ['Degraded after our sync', app({ health: 'Degraded' }), 'failed'],
    ['Missing after our sync', app({ health: 'Missing' }), 'failed'],
    ['Degraded but stale', app({ health: 'Degraded', reconciledAt: '2026-01-01T10:00:15Z' }), 'waiting'],
    [
      'our operation Failed',
      app({ sync: 'OutOfSync', revision: OLDER, phase: 'Failed', operationRevision: OURS }),
      'failed',
    ],
    ['our operation Error', app({ phase: 'Error' }), 'failed'],
    ['ComparisonError', app({ conditions: [{ type: 'ComparisonError', message: 'rpc error' }] }), 'failed'],
    ['SyncError', app({ conditions: [{ type: 'SyncError', message: 'boom' }] }), 'failed'],
    ['a warning condition', app({ conditions: [{ type: 'OrphanedResourceWarning', message: 'x' }] }), 'healthy'],
    ['Synced without an operation, compared after the wait began', app({ noOperation: true }), 'healthy'],
    [
      'Synced without an operation, compared before the wait began',
      app({ noOperation: true, reconciledAt: '2026-01-01T09:59:00Z' }),
      'waiting',
    ],
  ])('%s → %s', (_name, application, kind) => {
    expect(evaluate(application, target()).kind).toBe(kind)
  })

  test('a later revision that contains ours counts; one that does not, waits', () => {
    const later = app({ revision: LATER })
    expect(evaluate(later, target())).toEqual({ kind: 'compare', revision: LATER })
    expect(evaluate(later, target([[LATER, true]]))).toEqual({ kind: 'healthy', revision: LATER })
    expect(evaluate(later, target([[LATER, false]])).kind).toBe('waiting')
  })

  test('a branch name as the revision proves nothing, whatever the compare API says', () => {
    const branch = app({ revision: 'main', operationRevision: 'main' })
    expect(evaluate(branch, target([['main', true]]))).toEqual({
      kind: 'waiting',
      reason: 'Argo CD reports revision "main", which is not a commit SHA and proves nothing about aaaaaaa',
    })
    expect(evaluate(app({ revision: 'A'.repeat(40) }), target()).kind).toBe('waiting')
  })

  test('a failed operation of an older revision does not fail ours', () => {
    const application = app({ sync: 'OutOfSync', revision: OURS, phase: 'Failed', operationRevision: OLDER })
    expect(evaluate(application, target([[OLDER, false]])).kind).toBe('waiting')
  })

  test('multi-source applications are read at the GitOps source', () => {
    const application: Application = {
      status: {
        sync: { status: 'Synced', revisions: ['v1.2.3', OURS] },
        health: { status: 'Healthy' },
        reconciledAt: '2026-01-01T10:00:30Z',
        operationState: {
          phase: 'Succeeded',
          finishedAt: '2026-01-01T10:00:20Z',
          syncResult: { revisions: ['v1.2.3', OURS] },
        },
      },
    }
    expect(evaluate(application, { ...target(), sourceIndex: 1 }).kind).toBe('healthy')
  })

  test('failures name the reason', () => {
    expect(evaluate(app({ phase: 'Failed' }), target())).toEqual({
      kind: 'failed',
      reason: 'the sync operation for aaaaaaa ended Failed: successfully synced (all tasks run)',
    })
  })
})

test('unhealthyResources lists each resource with its health message', () => {
  expect(unhealthyResources(app({}))).toEqual([
    'Deployment craft/backend: Degraded: Deployment "backend" exceeded its progress deadline',
  ])
})
