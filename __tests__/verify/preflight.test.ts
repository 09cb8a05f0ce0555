import { describe, expect, test } from '@jest/globals'
import type { Application } from '../../src/verify/application.js'
import { matchSource, repositoryOf, type GitOpsTarget } from '../../src/verify/preflight.js'

const target: GitOpsTarget = {
  repository: 'acme/gitops',
  base: 'main',
  baseIsDefault: true,
  serverUrl: 'https://github.com',
  files: ['apps/backend/deployment.yaml'],
}
const ref = { name: 'backend' }
const appWith = (...sources: { repoURL?: string; path?: string; targetRevision?: string }[]): Application => ({
  spec: sources.length === 1 ? { source: sources[0]! } : { sources },
})

describe('repositoryOf', () => {
  test.each([
    ['https://github.com/acme/gitops.git', 'github.com', 'acme/gitops'],
    ['https://github.com/Acme/GitOps', 'github.com', 'acme/gitops'],
    ['git@github.com:acme/gitops.git', 'github.com', 'acme/gitops'],
    ['ssh://git@github.com/acme/gitops.git', 'github.com', 'acme/gitops'],
    ['https://ghe.example/acme/gitops/', 'ghe.example', 'acme/gitops'],
  ])('%s', (url, host, path) => expect(repositoryOf(url)).toEqual({ host, path }))
})

describe('matchSource', () => {
  test('the GitOps repository at the base branch', () => {
    expect(
      matchSource(
        appWith({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'apps' }),
        ref,
        target,
      ),
    ).toBe(0)
    expect(
      matchSource(
        appWith({ repoURL: 'git@github.com:acme/gitops.git', targetRevision: 'refs/heads/main' }),
        ref,
        target,
      ),
    ).toBe(0)
    expect(
      matchSource(appWith({ repoURL: 'https://github.com/acme/gitops', targetRevision: 'HEAD' }), ref, target),
    ).toBe(0)
  })

  test('the matching source of a multi-source application', () => {
    const app = appWith(
      { repoURL: 'https://charts.example', targetRevision: '1.2.3' },
      { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main' },
    )
    expect(matchSource(app, ref, target)).toBe(1)
  })

  test('another repository is refused, naming what it reads', () => {
    expect(
      matchSource(appWith({ repoURL: 'https://github.com/acme/other.git', targetRevision: 'main' }), ref, target),
    ).toMatch(
      /^Argo CD application "backend" does not deploy from acme\/gitops \(branch main\): it reads https:\/\/github.com\/acme\/other.git/,
    )
    expect(matchSource(appWith({ repoURL: 'https://gitlab.com/acme/gitops.git' }), ref, target)).toMatch(
      /does not deploy/,
    )
  })

  test('another branch is refused, naming both', () => {
    expect(
      matchSource(
        appWith({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'production' }),
        ref,
        target,
      ),
    ).toMatch(/deploys acme\/gitops at production, not branch main .* Set `base` to the branch Argo CD deploys/)
    // HEAD is the default branch: it matches only when base came from the default branch.
    expect(
      matchSource(appWith({ repoURL: 'https://github.com/acme/gitops.git' }), ref, { ...target, baseIsDefault: false }),
    ).toMatch(/at HEAD, not branch main/)
  })
})
