// End to end through dist/index.js, as a runner starts it: the GitOps half of a run
// (pin, commit or pull request) against the git-backed GitHub API and the real registry.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { type ActionRun } from '../../test-support/action-runner.js'
import { useStack } from '../../test-support/e2e.js'

const stack = useStack({
  seed: (stack) => ({
    'apps/backend/deployment.yaml':
      deployment('backend', `${stack.repository('acme/backend')}:0.9.0`) + service('backend'),
    'apps/frontend/deployment.yaml': deployment('frontend', `${stack.repository('acme/frontend')}:0.1.0`),
    'README.md': '# GitOps\n',
  }),
})

const deployment = (name: string, image: string, extra = ''): string =>
  [
    '# Managed by Argo CD',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    `          image: "${image}" # bumped by CI`,
    '          ports:',
    '            - containerPort: 8080',
    extra,
  ].join('\n')

const service = (name: string): string =>
  ['---', 'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${name}`, 'spec:', '  ports: [{port: 80}]', ''].join(
    '\n',
  )

/** A one-layer OCI layout for `name:tag` in the workspace: the image, its digest and the `source` input. */
async function build(
  name: string,
  tag: string,
  seed: number,
): Promise<{ image: string; digest: string; source: string }> {
  const image = `${stack.repository(`acme/${name}`)}:${tag}`
  const { source, entries } = await stack.layout(`layouts/${name}-${tag}`, [
    { layers: [{ size: 2048, seed }], refName: tag },
  ])
  return { image, digest: entries[0]!.digest, source }
}

function expectNoSecrets(result: ActionRun): void {
  expect(stack.leakedSecrets(result)).toEqual([])
  expect(result.masks).toContain(stack.github.token)
  expect(result.leftovers).toEqual([])
}

/** Lines that differ between two versions of a file, as [before, after] pairs. */
function changedLines(before: string, after: string): [string, string][] {
  const a = before.split('\n')
  const b = after.split('\n')
  expect(b.length).toBe(a.length)
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]))
}

describe('push mode', () => {
  test('pushes the image, pins it and commits only the image line to the base branch', async () => {
    const before = await stack.github.readFile('main', 'apps/backend/deployment.yaml')
    const head = await stack.github.headSha('main')
    const { image, digest, source } = await build('backend', '1.0.0', 1)

    const result = await stack.run({ image, source, manifests: 'apps/backend/deployment.yaml', mode: 'push' })

    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs).toMatchObject({
      digest,
      'pinned-image': `${image}@${digest}`,
      changed: 'true',
      'changed-files': '["apps/backend/deployment.yaml"]',
      'pull-request-number': '',
    })
    const commits = await stack.github.commits('main')
    expect(commits[0]!.sha).toBe(result.outputs['commit-sha'])
    expect(commits[0]!.parents).toEqual([head])
    expect(commits[0]!.verified).toBe(true)
    // GITHUB_SHA is no commit the token can read: the trailers name it by repository and sha only.
    expect(commits[0]!.message.trimEnd()).toBe(
      `Deploy backend 1.0.0\n\nArgocd-reference-commit-repourl: https://github.example/acme/backend\nArgocd-reference-commit-sha: 0123456789abcdef0123456789abcdef01234567`,
    )
    expect(await stack.github.changedPaths(head!, commits[0]!.sha)).toEqual(['apps/backend/deployment.yaml'])
    const after = await stack.github.readFile('main', 'apps/backend/deployment.yaml')
    expect(changedLines(before!, after!)).toEqual([
      [
        `          image: "${stack.repository('acme/backend')}:0.9.0" # bumped by CI`,
        `          image: "${image}@${digest}" # bumped by CI`,
      ],
    ])
    expect(result.summary).toContain(digest)
    expect(result.summary).toContain('apps/backend/deployment.yaml')
    expect(result.post.exitCode).toBe(0)
    expect(result.leftovers).toEqual([])
    expectNoSecrets(result)
  })

  test('a rerun with the same digest changes nothing and commits nothing', async () => {
    const { image, digest } = await build('backend', '1.0.0', 1)
    const head = await stack.github.headSha('main')
    stack.github.resetRequests()

    const result = await stack.run({
      image: `${image}@${digest}`,
      manifests: 'apps/backend/deployment.yaml',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({ changed: 'false', 'changed-files': '[]', 'commit-sha': '' })
    expect(await stack.github.headSha('main')).toBe(head)
    // Reads only: GETs and the GraphQL batch read (a POST that writes nothing).
    expect(stack.github.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')).toEqual([])
  })

  test('four concurrent runs for four services all land', async () => {
    const services = ['alpha', 'bravo', 'charlie', 'delta']
    await stack.github.seed(
      Object.fromEntries(
        services.map((s) => [`apps/${s}/deployment.yaml`, deployment(s, `${stack.repository(`acme/${s}`)}:0.0.1`)]),
      ),
    )
    const head = await stack.github.headSha('main')
    const layouts = await Promise.all(
      services.map((s, i) =>
        stack.layout(`layouts/${s}`, [{ layers: [{ size: 1024, seed: 100 + i }], refName: '2.0.0' }]),
      ),
    )

    const results = await Promise.all(
      services.map((s, i) =>
        stack.run({
          image: `${stack.repository(`acme/${s}`)}:2.0.0`,
          source: layouts[i]!.source,
          manifests: `apps/${s}/`,
          mode: 'push',
        }),
      ),
    )

    for (const result of results) {
      expect(result.errors).toEqual([])
      expect(result.outputs.changed).toBe('true')
    }
    const commits = await stack.github.commits('main')
    const landed = commits.slice(0, 4)
    expect(landed.map((c) => c.sha).sort()).toEqual(results.map((r) => r.outputs['commit-sha']).sort())
    expect(landed[3]!.parents).toEqual([head])
    for (const [i, s] of services.entries()) {
      const content = await stack.github.readFile('main', `apps/${s}/deployment.yaml`)
      expect(content).toContain(`${stack.repository(`acme/${s}`)}:2.0.0@${layouts[i]!.entries[0]!.digest}`)
    }
  }, 180_000)

  test('retries injected 502s and a secondary rate limit', async () => {
    const { image, digest, source } = await build('frontend', '0.2.0', 7)
    stack.github.injectFault({ method: 'POST', path: /^\/graphql$/, status: 502, times: 2 })
    stack.github.injectFault({
      method: 'POST',
      path: /\/git\/trees$/,
      status: 403,
      headers: { 'retry-after': '1', 'x-ratelimit-remaining': '4000' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
    })
    stack.github.injectFault({ method: 'PATCH', path: /\/git\/refs\/heads\/main$/, status: 502 })

    const result = await stack.run({ image, source, manifests: 'apps/frontend/deployment.yaml', mode: 'push' })

    expect(result.errors).toEqual([])
    expect(result.outputs.changed).toBe('true')
    expect(await stack.github.readFile('main', 'apps/frontend/deployment.yaml')).toContain(`${image}@${digest}`)
  })
})

describe('pr mode', () => {
  test('opens one pull request, then moves its branch onto the new base and reuses it', async () => {
    const first = await build('frontend', '0.3.0', 11)
    const baseBefore = await stack.github.headSha('main')

    const opened = await stack.run({
      image: first.image,
      source: first.source,
      manifests: 'apps/frontend',
      labels: 'deploy, frontend',
    })

    expect(opened.errors).toEqual([])
    const number = opened.outputs['pull-request-number']
    expect(number).toMatch(/^\d+$/)
    expect(opened.outputs['pull-request-url']).toBe(`${stack.github.serverUrl}/acme/gitops/pull/${number}`)
    expect(await stack.github.headSha('main')).toBe(baseBefore)
    let pull = stack.github.pulls().find((p) => String(p.number) === number)!
    expect(pull).toMatchObject({ state: 'open', head: 'deploy/frontend', base: 'main', title: 'Deploy frontend 0.3.0' })
    expect(pull.labels.sort()).toEqual(['deploy', 'frontend'])
    expect(pull.body).toContain(first.digest)
    expect(pull.body).toContain('```diff')
    expect(pull.body).toContain('https://github.example/acme/backend/actions/runs/4242')

    // Someone else lands a commit on the base; the next deploy must rebase the action's branch.
    const newBase = await stack.github.seed({ 'README.md': '# GitOps\n\nUpdated.\n' })
    const second = await build('frontend', '0.4.0', 12)
    const updated = await stack.run({ image: second.image, source: second.source, manifests: 'apps/frontend' })

    expect(updated.errors).toEqual([])
    expect(updated.outputs['pull-request-number']).toBe(number)
    expect(stack.github.pulls().filter((p) => p.head === 'deploy/frontend' && p.state === 'open')).toHaveLength(1)
    pull = stack.github.pulls().find((p) => String(p.number) === number)!
    expect(pull.title).toBe('Deploy frontend 0.4.0')
    expect(pull.body).toContain(second.digest)
    const branch = await stack.github.commits('deploy/frontend')
    expect(branch[0]!.sha).toBe(updated.outputs['commit-sha'])
    expect(branch[0]!.parents).toEqual([newBase])
    expect(await stack.github.readFile('deploy/frontend', 'apps/frontend/deployment.yaml')).toContain(
      `${second.image}@${second.digest}`,
    )
    expect(await stack.github.changedPaths(newBase, branch[0]!.sha)).toEqual(['apps/frontend/deployment.yaml'])

    // A rerun of the same deploy moves nothing.
    const rerun = await stack.run({ image: `${second.image}@${second.digest}`, manifests: 'apps/frontend' })
    expect(rerun.errors).toEqual([])
    expect(rerun.outputs).toMatchObject({
      changed: 'false',
      'changed-files': '[]',
      'commit-sha': '',
      'pull-request-number': number,
      'pull-request-url': updated.outputs['pull-request-url'],
    })
    expect((await stack.github.commits('deploy/frontend'))[0]!.sha).toBe(branch[0]!.sha)
  })
})

describe('refusals leave everything untouched', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an absolute manifest path', { manifests: '/etc/passwd' }, /manifests.*absolute/i],
    ['a path escaping the repository', { manifests: 'apps/../../secrets.yaml' }, /manifests.*\.\./i],
    ['a glob matching nothing', { manifests: 'apps/nothing-*/**/*.yaml' }, /apps\/nothing-\*.*matches no .*file/i],
    ['a missing file', { manifests: 'apps/missing/deployment.yaml' }, /apps\/missing\/deployment\.yaml/],
    [
      'no container with the image',
      { manifests: 'apps/frontend/deployment.yaml', container: 'sidecar' },
      /no container/i,
    ],
    ['invalid YAML', { manifests: 'apps/broken/deployment.yaml' }, /apps\/broken\/deployment\.yaml:\d+/],
    [
      'an unknown placeholder',
      { manifests: 'apps/backend/deployment.yaml', 'commit-message': 'Deploy {app}' },
      /commit-message.*\{app\}/,
    ],
    [
      'a manifest over the size limit',
      { manifests: 'apps/huge/deployment.yaml' },
      /apps\/huge\/deployment\.yaml.*limit/,
    ],
    ['an alias bomb', { manifests: 'apps/bomb/deployment.yaml' }, /apps\/bomb\/deployment\.yaml:\d+.*alias bomb/],
    [
      'a source path that does not exist',
      { manifests: 'apps/backend/deployment.yaml', source: 'build/missing.tar' },
      /Input 'source'.*build\/missing\.tar/,
    ],
    ['a bad mode', { manifests: 'apps/backend/deployment.yaml', mode: 'merge' }, /mode/],
    [
      'a pull request branch that is the default branch',
      { manifests: 'apps/backend/deployment.yaml', branch: 'main' },
      /Input 'branch'.*base branch/,
    ],
    [
      'a pool instead of a provider',
      {
        manifests: 'apps/backend/deployment.yaml',
        'workload-identity-provider': 'projects/123456789012/locations/global/workloadIdentityPools/github-pool',
      },
      /workload-identity-provider.*providers/,
    ],
  ]

  beforeAll(async () => {
    const image = `${stack.repository('acme/backend')}:1.0.0`
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((key, i) => `${key}: &${key} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ]
    await stack.github.seed({
      'apps/broken/deployment.yaml': `${deployment('broken', image)}\n  bad: [unclosed\n`,
      'apps/huge/deployment.yaml': deployment('huge', image) + `# ${'x'.repeat(6 * 1024 * 1024)}\n`,
      'apps/bomb/deployment.yaml': `${deployment('bomb', image)}\n---\n${bomb.join('\n')}\n`,
    })
  })

  test.each(cases)('%s', async (_, inputs, message) => {
    const layout = await stack.layout('layouts/refusal', [{ layers: [{ size: 1024, seed: 999 }], refName: '9.9.9' }])
    const heads = await Promise.all(['main', 'deploy/backend'].map((b) => stack.github.headSha(b)))
    const pulls = stack.github.pulls().length
    const registryWrites = stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length

    const result = await stack.run({
      image: `${stack.repository('acme/backend')}:9.9.9`,
      source: layout.source,
      ...inputs,
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(await Promise.all(['main', 'deploy/backend'].map((b) => stack.github.headSha(b)))).toEqual(heads)
    expect(stack.github.pulls()).toHaveLength(pulls)
    expect(stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toHaveLength(
      registryWrites,
    )
    expect(result.outputs).toEqual({})
  })
})
