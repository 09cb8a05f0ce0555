// The wait loop with an injected clock and scripted Argo CD answers: no sleeping, no servers.
import { describe, expect, test } from '@jest/globals'
import type { Clock } from '../../src/net/retry.js'
import { fakeClock } from '../../test-support/clock.js'
import type { Application } from '../../src/verify/application.js'
import { type ArgoCdClient, ArgoCdError } from '../../src/verify/argocd.js'
import { type TimelineEntry, waitForDeploy } from '../../src/verify/wait.js'

const OURS = 'a'.repeat(40)
const OLD = 'c'.repeat(40)

const iso = (clock: Clock, offsetMs = 0) => new Date(clock.now() + offsetMs).toISOString().replace(/\.\d+Z$/, 'Z')

function scripted(answers: ((clock: Clock) => Application | Error)[], clock: Clock): ArgoCdClient {
  let index = 0
  return {
    getApplication: () => {
      const answer = answers[Math.min(index++, answers.length - 1)]!(clock)
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
    },
  } as unknown as ArgoCdClient
}

const outOfSync = (clock: Clock): Application => ({
  status: { sync: { status: 'OutOfSync', revision: OURS }, health: { status: 'Healthy' }, reconciledAt: iso(clock) },
})
const synced =
  (health: string, fresh: boolean) =>
  (clock: Clock): Application => ({
    status: {
      sync: { status: 'Synced', revision: OURS },
      health: { status: health },
      operationState: { phase: 'Succeeded', finishedAt: iso(clock, -2000), syncResult: { revision: OURS } },
      reconciledAt: iso(clock, fresh ? 0 : -5000),
      resources: [
        { kind: 'Deployment', namespace: 'craft', name: 'backend', health: { status: health, message: 'rollout' } },
      ],
    },
  })

const applications = [
  { ref: { name: 'backend' }, sourceIndex: 0, uiUrl: 'https://argocd.example/applications/argocd/backend' },
]

function deps(client: ArgoCdClient, clock: Clock, timeline: TimelineEntry[] = []) {
  return { client, clock, timeline, contains: (_base: string, head: string) => Promise.resolve(head !== OLD) }
}

describe('waitForDeploy', () => {
  test('waits through OutOfSync, a 503, stale and Progressing health, then succeeds', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const timeline: TimelineEntry[] = []
    const client = scripted(
      [
        outOfSync,
        () => new ArgoCdError('HTTP 503: upstream', 503),
        synced('Healthy', false),
        synced('Progressing', true),
        synced('Healthy', true),
      ],
      clock,
    )
    const result = await waitForDeploy(deps(client, clock, timeline), applications, OURS, 600_000)
    expect(result).toMatchObject({ ok: true, syncedRevision: OURS, health: 'Healthy' })
    expect(clock.slept).toHaveLength(4)
    // Backoff: each wait at most the cap, and growing from ~1-2 s.
    expect(clock.slept.every((ms) => ms >= 1_000 && ms <= 15_000)).toBe(true)
    expect(timeline.map((entry) => entry.snapshot.health)).toEqual(['Healthy', 'Healthy', 'Progressing', 'Healthy'])
  })

  test('times out and names the last state', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const result = await waitForDeploy(deps(scripted([outOfSync], clock), clock), applications, OURS, 20_000)
    expect(result.ok).toBe(false)
    expect(result.failure).toBe(
      'Argo CD did not report aaaaaaa Synced and Healthy within 20s. "backend": last seen OutOfSync at aaaaaaa, health Healthy; aaaaaaa is OutOfSync, not yet Synced',
    )
    expect(clock.now() - Date.parse('2026-01-01T10:00:00Z')).toBe(20_000)
  })

  test('fails fast on Degraded with the resources', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const result = await waitForDeploy(
      deps(scripted([synced('Degraded', true)], clock), clock),
      applications,
      OURS,
      600_000,
    )
    expect(result.failure).toBe(
      'Argo CD application "backend" failed to deploy aaaaaaa: health is Degraded at aaaaaaa. Not healthy: Deployment craft/backend: Degraded: rollout',
    )
    expect(clock.slept).toEqual([])
  })

  test('a rejected token after the commit is "unknown": polled until the deadline, never "failed"', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const client = scripted([() => new ArgoCdError('HTTP 401: invalid session', 401, undefined, 'rejected')], clock)
    const result = await waitForDeploy(deps(client, clock), applications, OURS, 60_000)
    expect(result.ok).toBe(false)
    expect(result.unknown).toMatch(/^the Argo CD token was rejected after the deploy \(HTTP 401/)
    expect(result.failure).toMatch(/could not verify the deploy: "backend": the Argo CD token was rejected/)
    expect(clock.now() - Date.parse('2026-01-01T10:00:00Z')).toBe(60_000)
  })

  test('a readable answer after unreadable ones decides as usual', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const client = scripted(
      [
        () => new ArgoCdError('not JSON', undefined, undefined, 'not-json'),
        () => new ArgoCdError('HTTP 403: permission denied', 403, undefined, 'denied'),
        synced('Degraded', true),
      ],
      clock,
    )
    const result = await waitForDeploy(deps(client, clock), applications, OURS, 600_000)
    expect(result.unknown).toBeUndefined()
    expect(result.failure).toMatch(/health is Degraded/)
  })

  test('an answer the verdict trips over is unknown, not a TypeError', async () => {
    const clock = fakeClock(Date.parse('2026-01-01T10:00:00Z'))
    const weird = { status: { conditions: { type: 'SyncError' } } } as unknown as Application
    const result = await waitForDeploy(deps(scripted([() => weird], clock), clock), applications, OURS, 10_000)
    expect(result.unknown).toMatch(/could not make sense of Argo CD's answer/)
  })
})
