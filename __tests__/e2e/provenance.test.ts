// End to end through dist/index.js: every commit the action writes names the source commit it
// deploys in Argo CD's reference trailers, read back with `git interpret-trailers --parse` on the
// GitOps repository's real commits: from a push event's payload, and from the API (source-token)
// for a pull request's head.
import { beforeAll, describe, expect, jest, test } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { tmpdir } from 'node:os'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

jest.setTimeout(120_000)
const DEPLOYMENT = 'apps/backend/deployment.yaml'
const SOURCE_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const stack = useStack({
  seed: (stack) => ({ [DEPLOYMENT]: singleContainer('backend', `${stack.repository('acme/backend')}:0.1.0`) }),
})
let seed = 500
let events: string

beforeAll(async () => {
  events = await mkdtemp(path.join(tmpdir(), 'gda-events-'))
})

async function image(version: string): Promise<{ image: string; source: string }> {
  const { source } = await stack.layout(`layouts/provenance-${version}`, [
    { layers: [{ size: 1500, seed: seed++ }], refName: version },
  ])
  return { image: `${stack.repository('acme/backend')}:${version}`, source }
}

async function event(name: string, payload: unknown): Promise<Record<string, string>> {
  const file = path.join(events, `${name}-${seed}.json`)
  await writeFile(file, JSON.stringify(payload))
  return { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: file }
}

/** git's own reading of a commit's trailers, as `Key: value` lines. */
async function trailersOf(sha: string): Promise<string[]> {
  const message = await stack.github.git(['show', '-s', '--format=%B', sha])
  const parsed = await stack.github.git(['interpret-trailers', '--parse'], message)
  return parsed.split('\n').filter((line) => line !== '')
}

describe('commits that name their source', () => {
  test('push mode: the commit carries head_commit of the push event, after a custom message', async () => {
    const { image: ref, source } = await image('2.0.0')
    const env = await event('push', {
      ref: 'refs/heads/main',
      after: SOURCE_SHA,
      head_commit: {
        id: SOURCE_SHA,
        message: 'Fix checkout: no double charge\n\nThe retry resent the charge.\nRefs #42',
        timestamp: '2026-12-07T17:01:02+01:00',
        author: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' },
      },
    })
    const result = await stack.run(
      {
        image: ref,
        source,
        manifests: 'apps/backend/',
        mode: 'push',
        'commit-message': 'Ship {name} {version}\n\nBy the train.',
      },
      { ...env, GITHUB_SHA: SOURCE_SHA },
    )
    expect(result.errors).toEqual([])
    const sha = result.outputs['commit-sha']!
    expect(sha).toBe(await stack.github.headSha('main'))
    const message = await stack.github.git(['show', '-s', '--format=%B', sha])
    expect(message.startsWith('Ship backend 2.0.0\n\nBy the train.\n\nArgocd-reference-commit-repourl:')).toBe(true)
    expect(await trailersOf(sha)).toEqual([
      'Argocd-reference-commit-repourl: https://github.example/acme/backend',
      `Argocd-reference-commit-sha: ${SOURCE_SHA}`,
      'Argocd-reference-commit-author: Ada Lovelace <ada@example.com>',
      'Argocd-reference-commit-subject: Fix checkout: no double charge',
      `Argocd-reference-commit-body: ${JSON.stringify('The retry resent the charge.\nRefs #42')}`,
      'Argocd-reference-commit-date: 2026-12-07T17:01:02+01:00',
    ])
    // The payload said it all: no API read of the source commit.
    expect(stack.github.requests.some((r) => r.path.includes(`/git/commits/${SOURCE_SHA}`))).toBe(false)
  })

  test('pr mode, pull_request event: the branch commit names the PR head, read with source-token', async () => {
    // The workflow runs in the GitOps repository itself, where the PR head commit lives.
    const head = await stack.github.seed(
      { 'docs/notes.md': 'notes\n' },
      { branch: 'feature/notes', message: 'Write the notes down\n\nFor the on-call.' },
    )
    const { image: ref, source } = await image('2.1.0')
    const env = await event('pull_request', { number: 7, pull_request: { number: 7, head: { sha: head } } })
    const result = await stack.run(
      { image: ref, source, manifests: 'apps/backend/', mode: 'pr', 'source-token': stack.github.token },
      {
        ...env,
        GITHUB_REPOSITORY: `${stack.github.owner}/${stack.github.repo}`,
        // A pull request's GITHUB_SHA is its temporary merge commit: not what the trailers name.
        GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
      },
    )
    expect(result.errors).toEqual([])
    const branchHead = (await stack.github.headSha('deploy/backend'))!
    expect(result.outputs['commit-sha']).toBe(branchHead)
    const trailers = await trailersOf(branchHead)
    expect(trailers.slice(0, 4)).toEqual([
      `Argocd-reference-commit-repourl: https://github.example/${stack.github.owner}/${stack.github.repo}`,
      `Argocd-reference-commit-sha: ${head}`,
      'Argocd-reference-commit-author: Fixture Seeder <seeder@example.com>',
      'Argocd-reference-commit-subject: Write the notes down',
    ])
    expect(trailers[4]).toBe(`Argocd-reference-commit-body: ${JSON.stringify('For the on-call.')}`)
    expect(trailers[5]).toMatch(/^Argocd-reference-commit-date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // The pull request body links the source commit and the workflow run.
    const pull = stack.github.pulls().at(-1)!
    expect(pull.body).toContain(`/commit/${head}`)
    expect(pull.body).toContain('/actions/runs/4242')
  })

  test.each(['merge', 'squash', 'rebase'] as const)(
    'a person merges the pull request (%s): the trailers come along to the base branch',
    async (method) => {
      const version = { merge: '2.3.0', squash: '2.4.0', rebase: '2.5.0' }[method]
      const { image: ref, source } = await image(version)
      const env = await event('push', {
        head_commit: {
          id: SOURCE_SHA,
          message: `Release ${version}`,
          timestamp: '2026-12-07T18:00:00Z',
          author: { name: 'Ada Lovelace', email: 'ada@example.com' },
        },
      })
      const result = await stack.run(
        { image: ref, source, manifests: 'apps/backend/', mode: 'pr', branch: `deploy/backend-${method}` },
        { ...env, GITHUB_SHA: SOURCE_SHA },
      )
      expect(result.errors).toEqual([])
      const merged = await stack.github.mergePullByPerson(Number(result.outputs['pull-request-number']), method)
      const [, second] = (await stack.github.git(['show', '-s', '--format=%P', merged])).trim().split(' ')
      // GitHub's merge commit says "Merge pull request #N"; the commit it merges carries the trailers.
      const carrier = method === 'merge' ? second! : merged
      expect(await trailersOf(carrier)).toEqual([
        'Argocd-reference-commit-repourl: https://github.example/acme/backend',
        `Argocd-reference-commit-sha: ${SOURCE_SHA}`,
        'Argocd-reference-commit-author: Ada Lovelace <ada@example.com>',
        `Argocd-reference-commit-subject: Release ${version}`,
        'Argocd-reference-commit-date: 2026-12-07T18:00:00Z',
      ])
    },
  )

  test('a source commit that cannot be read is named by repository and sha only', async () => {
    const { image: ref, source } = await image('2.2.0')
    const result = await stack.run(
      { image: ref, source, manifests: 'apps/backend/', mode: 'push' },
      { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_SHA: SOURCE_SHA },
    )
    expect(result.errors).toEqual([])
    expect(await trailersOf(result.outputs['commit-sha']!)).toEqual([
      'Argocd-reference-commit-repourl: https://github.example/acme/backend',
      `Argocd-reference-commit-sha: ${SOURCE_SHA}`,
    ])
    expect(result.log).toContain(`Could not read commit ${SOURCE_SHA.slice(0, 7)} of acme/backend`)
  })
})
