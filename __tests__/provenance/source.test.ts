// Which source commit the trailers name: the push's head_commit, a pull request's head read through
// the API, GITHUB_SHA read through the API for other events; never a field from another commit.
import { describe, expect, jest, test } from '@jest/globals'
import type { GitHubClient } from '../../src/gitops/client.js'
import { readSourceCommit } from '../../src/provenance/source.js'

const SHA = '1111111111111111111111111111111111111111'
const HEAD = '2222222222222222222222222222222222222222'
const context = { serverUrl: 'https://github.com', repository: 'acme/backend', sha: SHA }

function client(answer: () => Promise<unknown>) {
  const request = jest.fn((_route: string, _parameters: Record<string, unknown>) => answer())
  return { request, make: () => ({ request }) as unknown as GitHubClient }
}

const apiCommit = {
  data: {
    message: 'Fix it\n\nBecause.',
    author: { name: 'Grace Hopper', email: 'grace@example.com', date: '2026-12-01T08:00:00Z' },
  },
}

describe('readSourceCommit', () => {
  test('a push: head_commit, without asking the API', async () => {
    const api = client(() => Promise.resolve(apiCommit))
    const source = await readSourceCommit(
      {
        ...context,
        eventName: 'push',
        payload: {
          head_commit: {
            id: SHA,
            message: 'Ship\n\nNow.',
            timestamp: '2026-12-07T10:00:00+02:00',
            author: { name: 'Ada', email: 'ada@example.com' },
          },
        },
      },
      api.make,
    )
    expect(source).toEqual({
      repoUrl: 'https://github.com/acme/backend',
      sha: SHA,
      author: 'Ada <ada@example.com>',
      subject: 'Ship',
      body: 'Now.',
      date: '2026-12-07T10:00:00+02:00',
    })
    expect(api.request).not.toHaveBeenCalled()
  })

  test("a head_commit of another sha is not this run's: the API is asked for GITHUB_SHA", async () => {
    const api = client(() => Promise.resolve(apiCommit))
    const source = await readSourceCommit(
      { ...context, eventName: 'push', payload: { head_commit: { id: HEAD, message: 'Other' } } },
      api.make,
    )
    expect(source).toMatchObject({ sha: SHA, subject: 'Fix it', author: 'Grace Hopper <grace@example.com>' })
    expect(api.request.mock.calls[0]![1]).toMatchObject({ owner: 'acme', repo: 'backend', commit_sha: SHA })
  })

  test('a pull request: its head, not the temporary merge commit GITHUB_SHA', async () => {
    const api = client(() => Promise.resolve(apiCommit))
    const source = await readSourceCommit(
      { ...context, eventName: 'pull_request', payload: { pull_request: { head: { sha: HEAD } } } },
      api.make,
    )
    expect(source).toEqual({
      repoUrl: 'https://github.com/acme/backend',
      sha: HEAD,
      author: 'Grace Hopper <grace@example.com>',
      subject: 'Fix it',
      body: 'Because.',
      date: '2026-12-01T08:00:00Z',
    })
  })

  test('a commit the token cannot read: repository and sha only', async () => {
    const api = client(() => Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })))
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const source = await readSourceCommit({ ...context, eventName: 'workflow_dispatch', payload: {} }, api.make)
    jest.restoreAllMocks()
    expect(source).toEqual({ repoUrl: 'https://github.com/acme/backend', sha: SHA })
  })

  test('outside a runner nothing is known', async () => {
    expect(
      await readSourceCommit({ serverUrl: 'https://github.com', repository: '', sha: '', eventName: '', payload: {} }),
    ).toEqual({})
  })
})
