// End to end through dist/index.js: `mode: pr` with `environment` queues the source commit's GitHub
// deployment; a person merges the pull request; `mode: verify` in the GitOps repository waits for
// the merge commit (Argo CD and Argo CD Notifications' commit status) and finishes that same
// deployment. A revision without trailers, a revert of a hand-pushed pin, and refused inputs.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { type ActionRun, runAction } from '../../test-support/action-runner.js'
import { type ArgoCdStandIn, RECONCILES_QUICKLY, applicationOf, startArgoCd } from '../../test-support/argocd/server.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

jest.setTimeout(150_000)
const DEPLOYMENT = 'apps/backend/deployment.yaml'
const NOTIFICATIONS = 'continuous-delivery/backend'
const SOURCE_SHA = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
const stack = useStack({
  seed: (stack) => ({ [DEPLOYMENT]: singleContainer('backend', `${stack.repository('acme/backend')}:0.1.0`) }),
})
let argo: ArgoCdStandIn
let events: string
let seed = 1300

beforeAll(async () => {
  events = await mkdtemp(path.join(tmpdir(), 'gda-verify-events-'))
  argo = await startArgoCd({
    github: stack.github,
    applications: [applicationOf(stack.github, 'backend', 'apps/backend')],
    ...RECONCILES_QUICKLY,
    reporters: ['argocd-notifications'],
  })
})

afterAll(async () => {
  await argo?.close()
})

async function event(name: string, payload: unknown): Promise<Record<string, string>> {
  const file = path.join(events, `${name}-${seed++}.json`)
  await writeFile(file, JSON.stringify(payload))
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file }
}

/** A workflow of the GitOps repository itself: its own token, no Google Cloud. */
function verifyInGitOps(inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
  const gitops = `${stack.github.owner}/${stack.github.repo}`
  return runAction({
    inputs: { token: stack.github.token, mode: 'verify', 'verify-timeout': '1m', ...inputs },
    env: {
      GITHUB_API_URL: stack.github.url,
      GITHUB_SERVER_URL: stack.github.serverUrl,
      GITHUB_WORKSPACE: stack.workspace,
      GITHUB_RUN_ID: '5151',
      ...env,
    },
    githubToken: stack.github.token,
    repository: gitops,
  })
}

const deploymentsOf = (sha: string) =>
  stack.github.deploymentsModel.deployments.filter((d) => d.repository === 'acme/backend' && d.sha === sha)

describe('mode: verify', () => {
  test('pr + environment queues the deployment; a person merges; verify finishes that same deployment', async () => {
    const { source, entries } = await stack.layout('layouts/verify-mode-4.0.0', [
      { layers: [{ size: 1000, seed: seed++ }], refName: '4.0.0' },
    ])
    const push = await event('push', {
      ref: 'refs/heads/main',
      head_commit: {
        id: SOURCE_SHA,
        message: 'Speed up the checkout',
        timestamp: '2026-12-07T10:00:00Z',
        author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
    })
    const opened = await stack.run(
      {
        image: `${stack.repository('acme/backend')}:4.0.0`,
        source,
        manifests: 'apps/backend/',
        mode: 'pr',
        environment: 'production',
        'source-token': stack.github.token,
      },
      { ...push, GITHUB_SHA: SOURCE_SHA },
    )
    expect(opened.errors).toEqual([])
    const number = Number(opened.outputs['pull-request-number'])
    const [queued] = deploymentsOf(SOURCE_SHA)
    expect(deploymentsOf(SOURCE_SHA)).toHaveLength(1)
    expect(opened.outputs['deployment-id']).toBe(String(queued!.id))
    expect(queued!.environment).toBe('production')
    expect(queued!.statuses.map((s) => [s.state, s.description, s.logUrl])).toEqual([
      ['queued', `Waiting for pull request #${number} to merge`, opened.outputs['pull-request-url']],
    ])

    // Hours later, someone reviews and merges in the web UI.
    const merge = await stack.github.mergePullByPerson(number, 'merge')
    const verified = await verifyInGitOps(
      {
        'argocd-server': argo.url,
        'argocd-application': 'backend',
        'argocd-token': argo.token,
        'verify-commit-status': NOTIFICATIONS,
        environment: 'production',
        'source-token': stack.github.token,
      },
      { ...(await event('push', { ref: 'refs/heads/main' })), GITHUB_SHA: merge },
    )
    expect(verified.errors).toEqual([])
    expect(stack.leakedSecrets(verified)).toEqual([])
    expect(verified.masks).toContain(stack.github.token)
    expect(verified.summary).toContain('Argo CD verification')
    expect(verified.summary).toContain(NOTIFICATIONS)
    expect(verified.outputs.verified).toBe('true')
    expect(verified.outputs['synced-revision']).toBe(merge)
    expect(verified.outputs.health).toBe('Healthy')
    // The same deployment, continued: no second one.
    expect(verified.outputs['deployment-id']).toBe(String(queued!.id))
    expect(deploymentsOf(SOURCE_SHA)).toHaveLength(1)
    expect(queued!.statuses.map((s) => s.state)).toEqual(['queued', 'in_progress', 'success'])
    expect(queued!.statuses.at(-1)!.logUrl).toBe(`${stack.github.serverUrl}/acme/gitops/actions/runs/5151`)
    // Nothing was written, and no image, registry or Google Cloud was touched.
    expect(await stack.github.headSha('main')).toBe(merge)
    expect(verified.log).not.toMatch(/Authenticate to Google Cloud|Publish the images/)
    expect(entries[0]!.digest).toMatch(/^sha256:/)
  })

  test('a commit without trailers is verified all the same; the deployment is skipped with a notice', async () => {
    const byHand = await stack.github.seed({ 'apps/backend/notes.txt': 'by hand\n' }, { message: 'Tweak by hand' })
    const result = await verifyInGitOps(
      { 'verify-commit-status': NOTIFICATIONS, environment: 'production', 'source-token': stack.github.token },
      { ...(await event('push', { ref: 'refs/heads/main' })), GITHUB_SHA: byHand },
    )
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    expect(result.outputs['deployment-id']).toBe('')
    expect(result.stdout).toContain(`::notice::${byHand.slice(0, 7)} names no source commit`)
  })

  test('on-failure: revert puts back the pin a hand-pushed commit changed, with its trailers', async () => {
    const digest = 'd'.repeat(64)
    argo.crash(digest)
    const before = (await stack.github.readFile('main', DEPLOYMENT))!
    const bad = await stack.github.seed(
      { [DEPLOYMENT]: singleContainer('backend', `${stack.repository('acme/backend')}:4.1.0@sha256:${digest}`) },
      {
        message: `Deploy backend 4.1.0\n\nArgocd-reference-commit-repourl: https://github.example/acme/backend\nArgocd-reference-commit-sha: ${SOURCE_SHA.replace(/0/g, '1')}`,
      },
    )
    const result = await verifyInGitOps(
      { 'verify-commit-status': NOTIFICATIONS, 'on-failure': 'revert', 'verify-timeout': '30s' },
      { GITHUB_SHA: bad },
    )
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verified).toBe('false')
    expect(result.errors[0]).toContain(`commit status "${NOTIFICATIONS}" is failure on ${bad.slice(0, 7)}`)
    const reverted = result.outputs['reverted-commit-sha']!
    expect(reverted).toBe(await stack.github.headSha('main'))
    expect(await stack.github.readFile('main', DEPLOYMENT)).toBe(before)
    const trailers = await stack.github.git(
      ['interpret-trailers', '--parse'],
      await stack.github.git(['show', '-s', '--format=%B', reverted]),
    )
    expect(trailers).toContain(`Argocd-reference-commit-sha: ${SOURCE_SHA.replace(/0/g, '1')}`)
    expect(result.errors[0]).toContain('the revert is deployed')
  })

  test('on-failure: revert with merge on a protected main: the revert goes through a pull request, merged', async () => {
    const digest = 'e'.repeat(64)
    argo.crash(digest)
    const before = (await stack.github.readFile('main', DEPLOYMENT))!
    const bad = await stack.github.seed(
      { [DEPLOYMENT]: singleContainer('backend', `${stack.repository('acme/backend')}:4.2.0@sha256:${digest}`) },
      { message: `Deploy backend 4.2.0\n\nArgocd-reference-commit-sha: ${SOURCE_SHA.replace(/0/g, '2')}` },
    )
    // From here on main takes changes only through pull requests, merged by squash.
    stack.github.protectBranch('main', { requirePullRequest: true })
    stack.github.setMergeSettings({ allowSquashMerge: true, allowAutoMerge: true })
    try {
      const result = await verifyInGitOps(
        { 'verify-commit-status': NOTIFICATIONS, 'on-failure': 'revert', merge: 'squash', 'verify-timeout': '30s' },
        { GITHUB_SHA: bad },
      )
      expect(result.exitCode).toBe(1)
      expect(result.outputs.verified).toBe('false')
      const pull = stack.github.pulls().find((p) => p.head === `revert/${bad.slice(0, 7)}`)
      expect(pull).toMatchObject({ base: 'main' })
      const reverted = result.outputs['reverted-commit-sha']!
      expect(reverted).toBe(await stack.github.headSha('main'))
      expect(await stack.github.readFile('main', DEPLOYMENT)).toBe(before)
      expect(result.errors[0]).toContain(pull!.html_url)
    } finally {
      stack.github.protectBranch('main', undefined)
    }
  })

  test('merge in mode: verify needs on-failure: revert', async () => {
    const result = await verifyInGitOps({ 'verify-commit-status': NOTIFICATIONS, merge: 'squash' }, {})
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([expect.stringMatching(/^Input 'merge': .*needs `on-failure: revert`/)])
  })

  test('a pull request closed without merging: nothing to verify', async () => {
    const result = await verifyInGitOps(
      { 'verify-commit-status': NOTIFICATIONS },
      await event('pull_request', {
        action: 'closed',
        pull_request: { number: 99, merged: false, base: { ref: 'main' } },
      }),
    )
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('::notice::Pull request #99 was closed without merging: nothing to verify.')
  })

  test.each([
    [{ image: 'registry.example/acme/backend:1' }, "Input 'image': does not apply to `mode: verify`"],
    [{ revision: 'abc123' }, `Input 'revision': "abc123" is not a full commit sha`],
    [{ 'verify-commit-status': '' }, "Input 'mode': `verify` needs something to wait for"],
  ])('%j is refused before any request', async (inputs, message) => {
    stack.github.resetRequests()
    const result = await verifyInGitOps({ 'verify-commit-status': NOTIFICATIONS, ...inputs }, {})
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([expect.stringContaining(message)])
    expect(stack.github.requests).toEqual([])
  })
})
