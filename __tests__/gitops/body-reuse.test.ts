// undici's "Response body object should not be disturbed or locked": the file is asked for again,
// and a failure that stays names the request.
import { describe, expect, test } from '@jest/globals'
import type { GitHubClient } from '../../src/gitops/client.js'
import { RepositoryReader } from '../../src/gitops/reader.js'

const SNAPSHOT = { branch: 'main', commitSha: 'c'.repeat(40), treeSha: 't'.repeat(40) }

/** A raw-contents answer whose body stream was already taken (as undici reports it), `broken` times. */
function client(broken: number): { client: GitHubClient; calls: () => number } {
  let calls = 0
  const fake = {
    graphql: () => Promise.resolve({ repository: {} }),
    request: () => {
      calls++
      const stream = new Blob(['kind: Pod\n']).stream()
      if (calls <= broken) stream.getReader()
      return Promise.resolve({ data: stream, headers: { 'content-type': 'application/vnd.github.raw' } })
    },
  }
  return { client: fake as unknown as GitHubClient, calls: () => calls }
}

describe('reading a file whose answer body cannot be read', () => {
  test('is asked for again', async () => {
    const { client: fake, calls } = client(2)
    const reader = new RepositoryReader(fake, 'acme', 'gitops')
    expect(await reader.readFiles(SNAPSHOT, ['apps/pod.yaml'])).toEqual([
      { path: 'apps/pod.yaml', content: 'kind: Pod\n' },
    ])
    expect(calls()).toBe(3)
  })

  test('fails naming the file and the request when it keeps failing', async () => {
    const reader = new RepositoryReader(client(5).client, 'acme', 'gitops')
    await expect(reader.readFiles(SNAPSHOT, ['apps/pod.yaml'])).rejects.toThrow(
      /^Could not read apps\/pod\.yaml at main \(ccccccc\) in acme\/gitops: GET \/repos\/acme\/gitops\/contents\/apps\/pod\.yaml answered, but its body could not be read: .*(locked|disturbed)/,
    )
  })
})
