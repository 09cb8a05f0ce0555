// The stand-in's POST /graphql and the batched reads the action makes through it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createGitHubClient } from '../../src/gitops/client.js'
import { GitOpsRepository } from '../../src/gitops/repository.js'
import { parseOperation, validateOperation } from '../../test-support/github-api/graphql.js'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

describe('structural validation', () => {
  const valid =
    'query ReadFiles($owner: String!, $name: String!, $e0: String!) { repository(owner: $owner, name: $name) { f0: object(expression: $e0) { __typename ... on Blob { text isBinary isTruncated byteSize } } } }'

  test('a valid query', () => {
    expect(validateOperation(parseOperation(valid), { owner: 'a', name: 'b', e0: 'x:y' })).toEqual([])
  })

  test.each([
    [valid.replace('byteSize', 'size'), {}, "Field 'size' doesn't exist on type 'Blob'"],
    [valid.replace('... on Blob', '... on Repository'), {}, "Fragment on Repository can't be spread inside GitObject"],
    [valid.replace(', $e0: String!', ''), {}, 'Variable $e0 is used by object but not declared'],
    [valid.replace('$e0: String!', '$e0: Int!'), {}, 'Type mismatch on variable $e0'],
    [valid.replace('name: $name', 'name: $name, first: 1'), {}, "Field 'repository' doesn't accept argument 'first'"],
    [valid.replace('owner: $owner, ', ''), {}, "Field 'repository' is missing required argument 'owner'"],
    [valid.replace('text isBinary', 'text { x } isBinary'), {}, "Selections can't be made on scalars"],
    [valid, { e0: undefined }, 'Variable $e0 of type String! was provided invalid value'],
  ])('refuses %#', (query, variables, problem) => {
    const problems = validateOperation(parseOperation(query), { owner: 'a', name: 'b', e0: 'x', ...variables })
    expect(problems.join('\n')).toContain(problem)
  })

  test('parse errors name the token', () => {
    expect(() => parseOperation('query { repository(owner: "a" name: ) }')).toThrow('Parse error on ")"')
  })
})

describe('batched reads through /graphql', () => {
  let gh: FakeGitHub
  let repository: GitOpsRepository

  beforeAll(async () => {
    gh = await startFakeGitHub({ blobTextLimit: 4096 })
    repository = new GitOpsRepository(createGitHubClient(gh.token, gh.url), gh.owner, gh.repo, { readBatchSize: 50 })
  })
  afterAll(async () => {
    await gh.close()
  })

  test('120 files in three GraphQL requests, BOM and CRLF kept; binary-looking and cut-short files through the raw endpoint', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 117; i++) files[`apps/s${i}/deploy.yaml`] = `kind: ConfigMap\r\nmetadata: {name: s${i}}\r\n`
    files['bom.yaml'] = '\uFEFFkind: ConfigMap\n'
    files['nul.yaml'] = 'a: "\0"\n'
    files['big.yaml'] = `# ${'x'.repeat(5000)}\nkind: ConfigMap\n`
    await gh.seed(files)
    const snapshot = await repository.snapshot('main')
    gh.resetRequests()
    const paths = Object.keys(files)
    const read = await repository.readFiles(snapshot, paths)
    expect(read.map((file) => file.path)).toEqual(paths)
    for (const file of read) expect(file.content).toBe(files[file.path])
    expect(gh.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      'GET /repos/acme/gitops/contents/big.yaml',
      'GET /repos/acme/gitops/contents/nul.yaml',
      'POST /graphql',
      'POST /graphql',
      'POST /graphql',
    ])
    expect(gh.takeValidationErrors()).toEqual([])
  })

  test('a text whose byte count disagrees with byteSize is read again, raw', async () => {
    await gh.seed({ 'crlf.yaml': 'kind: ConfigMap\r\n' })
    const snapshot = await repository.snapshot('main')
    // As if the text had lost bytes on the way (a dropped BOM, normalised line endings).
    gh.injectFault({
      method: 'POST',
      path: /^\/graphql$/,
      status: 200,
      body: {
        data: {
          repository: {
            f0: { __typename: 'Blob', text: 'kind: ConfigMap\n', isBinary: false, isTruncated: false, byteSize: 17 },
          },
        },
      },
    })
    gh.resetRequests()
    expect(await repository.readFiles(snapshot, ['crlf.yaml'])).toEqual([
      { path: 'crlf.yaml', content: 'kind: ConfigMap\r\n' },
    ])
    expect(gh.requests.map((request) => request.path)).toEqual(['/graphql', '/repos/acme/gitops/contents/crlf.yaml'])
  })

  test('a missing file and a directory get the raw endpoint’s explanations', async () => {
    await gh.seed({ 'apps/a/deploy.yaml': 'kind: ConfigMap\n' })
    const snapshot = await repository.snapshot('main')
    await expect(repository.readFiles(snapshot, ['apps/a/deploy.yaml', 'apps/missing.yaml'])).rejects.toThrow(
      'Could not read apps/missing.yaml',
    )
    await expect(repository.readFiles(snapshot, ['apps/a'])).rejects.toThrow('apps/a is a directory')
    expect(gh.takeValidationErrors()).toEqual([])
  })

  test('an invalid query is answered with GraphQL errors and reported', async () => {
    const client = createGitHubClient(gh.token, gh.url)
    await expect(client.graphql('query { repository(owner: "acme", name: "gitops") { nope } }')).rejects.toThrow(
      "Field 'nope' doesn't exist on type 'Repository'",
    )
    expect(gh.takeValidationErrors()).toEqual(["POST /graphql: Field 'nope' doesn't exist on type 'Repository'"])
  })

  test('another repository resolves to nothing, as on GitHub', async () => {
    const client = createGitHubClient(gh.token, gh.url)
    await expect(client.graphql('query { repository(owner: "acme", name: "other") { name } }')).rejects.toThrow(
      "Could not resolve to a Repository with the name 'acme/other'.",
    )
  })
})

test('GitHub Enterprise Server: /api/graphql beside /api/v3', async () => {
  const gh = await startFakeGitHub({ apiPrefix: '/api/v3' })
  try {
    await gh.seed({ 'a.yaml': 'kind: ConfigMap\n' })
    const repository = new GitOpsRepository(createGitHubClient(gh.token, gh.url), gh.owner, gh.repo)
    const snapshot = await repository.snapshot('main')
    gh.resetRequests()
    expect(await repository.readFiles(snapshot, ['a.yaml'])).toEqual([{ path: 'a.yaml', content: 'kind: ConfigMap\n' }])
    expect(gh.requests.map((request) => request.path)).toEqual(['/graphql'])
    expect(gh.takeValidationErrors()).toEqual([])
  } finally {
    await gh.close()
  }
})
