import { afterEach, describe, expect, test } from '@jest/globals'
import { formatDuration, parseDuration } from '../../src/util/duration.js'
import { readVerifyInputs, readVerifySettings } from '../../src/verify/settings.js'
import { pollPolicy } from '../../src/verify/wait.js'
import { smokePolicy } from '../../src/verify/smoke.js'

const INPUTS = [
  'argocd-server',
  'argocd-application',
  'argocd-token',
  'argocd-oidc-audience',
  'verify-timeout',
  'smoke-test-url',
  'smoke-test-timeout',
  'on-failure',
  'environment',
  'source-token',
  'verify-commit-status',
]

function setInputs(inputs: Record<string, string>): void {
  for (const name of INPUTS) delete process.env[`INPUT_${name.toUpperCase()}`]
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value
}

afterEach(() => setInputs({}))

describe('durations', () => {
  test.each([
    ['600', 600_000],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    [' 2M ', 120_000],
    ['1.5m', 90_000],
    ['5 m', 300_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms))

  test.each(['', 'soon', '5 minutes', '-1', 'm5', '10d', '5m garbage'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined()
  })

  test('formatDuration', () => {
    expect([3_000, 90_000, 600_000, 7_200_000].map(formatDuration)).toEqual(['3s', '1m30s', '10m', '2h'])
  })

  test('polls back off to seconds for people and stay short for short timeouts', () => {
    expect(pollPolicy(600_000)).toEqual({ baseDelayMs: 2_000, maxDelayMs: 15_000 })
    expect(pollPolicy(30_000)).toEqual({ baseDelayMs: 1_000, maxDelayMs: 1_000 })
    expect(smokePolicy(120_000)).toEqual({ deadlineMs: 120_000, baseDelayMs: 500, maxDelayMs: 6_000 })
  })
})

const none = { 'argocd-server': '', 'argocd-application': '', 'argocd-token': '' }

describe('readVerifySettings', () => {
  const base = {
    'argocd-server': 'https://argocd.example.com/',
    'argocd-application': 'backend',
    'argocd-token': 'argocd-secret-token-1234',
    'source-token': 'ghs_source_token_123',
  }

  test('nothing set: no verification', () => {
    setInputs({ 'source-token': 'ghs_x', 'verify-timeout': '10m', 'smoke-test-timeout': '2m', 'on-failure': 'fail' })
    expect(readVerifySettings('push')).toBeUndefined()
  })

  test('parses a full set', () => {
    setInputs({
      ...base,
      'argocd-application': 'backend\nteam-a/worker, backend',
      'verify-timeout': '90s',
      'smoke-test-url': 'https://backend.example.com/healthz\nhttps://backend.example.com/ready',
      'on-failure': 'revert',
      environment: 'production',
    })
    expect(readVerifySettings('push')).toEqual({
      argocd: {
        server: 'https://argocd.example.com',
        applications: [{ name: 'backend' }, { name: 'worker', namespace: 'team-a' }],
        auth: { kind: 'token', token: 'argocd-secret-token-1234' },
      },
      commitStatuses: [],
      timeoutMs: 90_000,
      smokeTestUrls: ['https://backend.example.com/healthz', 'https://backend.example.com/ready'],
      smokeTestTimeoutMs: 120_000,
      onFailure: 'revert',
      environment: 'production',
      sourceToken: 'ghs_source_token_123',
    })
  })

  test.each([
    [{ ...none, 'smoke-test-url': 'https://x.example' }, /^Input 'smoke-test-url': only applies/],
    [{ ...none, 'on-failure': 'revert' }, /^Input 'on-failure': only applies/],
    [{ 'argocd-server': 'http://argocd.example.com' }, /^Input 'argocd-server': .* must be an https URL/],
    [{ 'argocd-server': 'argocd' }, /^Input 'argocd-server': "argocd" is not a URL/],
    [{ 'argocd-application': '' }, /^Input 'argocd-application': is required/],
    [{ 'argocd-application': 'Back_End' }, /^Input 'argocd-application': "Back_End" is not an application name/],
    [{ 'argocd-application': 'a/b/c' }, /^Input 'argocd-application'/],
    [{ 'argocd-token': '' }, /^Input 'argocd-token': is empty/],
    [{ 'argocd-oidc-audience': 'argocd' }, /^Input 'argocd-oidc-audience': and `argocd-token` are both set/],
    [{ 'verify-timeout': 'soon' }, /^Input 'verify-timeout': "soon" is not a duration/],
    [{ 'verify-timeout': '0' }, /^Input 'verify-timeout'/],
    [{ 'smoke-test-url': 'ftp://x.example' }, /^Input 'smoke-test-url': .* must be an http or https URL/],
    [{ 'on-failure': 'rollback' }, /^Input 'on-failure': "rollback" is not one of "fail", "revert"/],
  ])('%j is refused', (inputs, message) => {
    setInputs({ ...base, ...inputs })
    expect(() => readVerifySettings('push')).toThrow(message)
  })

  test('mode: pr with Argo CD inputs is an input error', () => {
    setInputs(base)
    expect(() => readVerifySettings('pr')).toThrow(/^Input 'argocd-server': verification in `mode: pr` needs `merge`/)
  })

  test('commit statuses alone verify; with Argo CD both are kept', () => {
    setInputs({
      'verify-commit-status': 'continuous-delivery/backend\nkustomization/apps/*, continuous-delivery/backend',
      'source-token': 'ghs_x',
    })
    const alone = readVerifySettings('push')
    expect(alone?.argocd).toBeUndefined()
    expect(alone?.commitStatuses).toEqual(['continuous-delivery/backend', 'kustomization/apps/*'])
    setInputs({ ...base, 'verify-commit-status': 'continuous-delivery/backend' })
    expect(readVerifySettings('verify')?.argocd?.server).toBe('https://argocd.example.com')
  })

  test.each([
    [{ 'verify-commit-status': '*' }, 'push', /^Input 'verify-commit-status': "\*" is not a commit status context/],
    [
      { 'verify-commit-status': 'ci/x' },
      'pr',
      /^Input 'verify-commit-status': verification in `mode: pr` needs `merge`/,
    ],
    [{ 'argocd-token': 'x-token-123456' }, 'push', /^Input 'argocd-token': only applies to verification with Argo CD/],
    [{}, 'verify', /^Input 'mode': `verify` needs something to wait for/],
  ])('%j in mode %s is refused', (inputs, mode, message) => {
    setInputs(inputs)
    expect(() => readVerifySettings(mode as 'push')).toThrow(message)
  })

  test('mode pr with environment and no verification queues the deployment; push still refuses it', () => {
    setInputs({ environment: 'production', 'source-token': 'ghs_source_token_123' })
    expect(readVerifyInputs('pr')).toEqual({
      queuedDeployment: { environment: 'production', sourceToken: 'ghs_source_token_123' },
    })
    expect(() => readVerifyInputs('push')).toThrow(/^Input 'environment': only applies to verification/)
  })

  test('OIDC instead of a token', () => {
    setInputs({ ...base, 'argocd-token': '', 'argocd-oidc-audience': 'argocd' })
    expect(readVerifySettings('push')?.argocd?.auth).toEqual({ kind: 'oidc', audience: 'argocd' })
  })
})
