// The pure side of writeback/ and outputs.ts: what the run reports (step outputs, job summary,
// deployment facts) and the one check of the pull request branch against the base, with the real
// @actions/core writing to GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files as on a runner.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { MergeApi } from '../../src/gitops/merge-api.js'
import type { GitOpsRepository } from '../../src/gitops/repository.js'
import { planPins } from '../../src/manifests/plan.js'
import { setOutputs } from '../../src/outputs.js'
import type { PublishResult } from '../../src/registry/publish.js'
import { readSettings, type Settings } from '../../src/settings.js'
import { deploymentFacts } from '../../src/writeback/facts.js'
import type { GitOps } from '../../src/writeback/gitops.js'
import { readManifestTarget } from '../../src/writeback/read.js'
import type { PinnedChange } from '../../src/writeback/facts.js'
import { githubContext } from '../../test-support/github-context.js'

const DIGEST = `sha256:${'b'.repeat(64)}`
const IMAGE = 'europe-docker.pkg.dev/acme/apps/backend'
const MANIFEST = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: backend',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  `          image: ${IMAGE}:1.0.0`,
  '',
].join('\n')

let dir: string
const saved = { ...process.env }
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'outputs-test-'))
})
afterEach(() => {
  process.env = { ...saved }
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function settings(inputs: Record<string, string> = {}): Promise<Settings> {
  const all = { token: 'ghs_x', image: `${IMAGE}:1.2.3`, manifests: 'apps/backend/deployment.yaml', ...inputs }
  for (const [name, value] of Object.entries(all)) process.env[`INPUT_${name.toUpperCase()}`] = value
  const env = { GITHUB_REPOSITORY: 'acme/backend', GITHUB_SERVER_URL: 'https://github.com', GITHUB_RUN_ID: '7' }
  return readSettings(env, () => Promise.resolve(githubContext(env)))
}

/** A GitOps repository that only answers what the pure parts ask; any other call fails the test. */
function gitops(defaultBranch = 'main'): GitOps {
  const repository = {
    fullName: 'acme/gitops',
    defaultBranch: () => Promise.resolve(defaultBranch),
    snapshot: () => Promise.reject(new Error('no snapshot expected')),
  } as unknown as GitOpsRepository
  const merges = {} as unknown as MergeApi
  return { repository, merges, selector: { repository: IMAGE }, selectors: [{ repository: IMAGE }] }
}

function change(pinned = `${IMAGE}:1.2.3@${DIGEST}`): PinnedChange {
  const plan = planPins([{ path: 'apps/backend/deployment.yaml', content: MANIFEST }], { repository: IMAGE }, pinned)
  return {
    plan,
    files: plan.files.filter((f) => f.changes.length > 0).map((f) => ({ path: f.path, content: f.after })),
    changedFilesPerImage: [plan.files.filter((f) => f.changes.length > 0).map((f) => f.path)],
  }
}

const published: PublishResult = {
  digest: DIGEST,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  registry: 'europe-docker.pkg.dev',
  action: 'pushed',
  pushed: true,
  blobsUploaded: 2,
  blobsPresent: 1,
  bytesUploaded: 1536,
}

/** GITHUB_OUTPUT's `name<<DELIMITER\nvalue\nDELIMITER` records as an object. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm
  for (const [, name, , value] of text.matchAll(pattern)) outputs[name!] = value!
  return outputs
}

describe('setOutputs', () => {
  test('a pull request run: every output, and a summary with the diff', async () => {
    const output = path.join(dir, 'output-pr')
    const summary = path.join(dir, 'summary-pr')
    await Promise.all([writeFile(output, ''), writeFile(summary, '')])
    const s = await settings()
    process.env.GITHUB_OUTPUT = output
    process.env.GITHUB_STEP_SUMMARY = summary

    await setOutputs(s, gitops(), [published], {
      base: 'main',
      commitMessage: 'Deploy',
      change: change(),
      written: true,
      commitSha: 'c0ffee',
      pullRequest: { number: 12, url: 'https://github.com/acme/gitops/pull/12', created: true },
    })

    expect(parseOutputFile(await readFile(output, 'utf8'))).toEqual({
      digest: DIGEST,
      'pinned-image': `${IMAGE}:1.2.3@${DIGEST}`,
      changed: 'true',
      'changed-files': '["apps/backend/deployment.yaml"]',
      'commit-sha': 'c0ffee',
      'pull-request-number': '12',
      'pull-request-url': 'https://github.com/acme/gitops/pull/12',
      images: JSON.stringify([
        {
          image: `${IMAGE}:1.2.3`,
          digest: DIGEST,
          'pinned-image': `${IMAGE}:1.2.3@${DIGEST}`,
          'changed-files': ['apps/backend/deployment.yaml'],
        },
      ]),
    })
    const markdown = await readFile(summary, 'utf8')
    expect(markdown).toContain('```diff\n--- a/apps/backend/deployment.yaml\n')
    expect(markdown).toContain(`+          image: ${IMAGE}:1.2.3@${DIGEST}`)
    expect(markdown).toContain('1.5 KiB')
  })

  test('nothing changed: empty commit and pull request outputs, no diff', async () => {
    const output = path.join(dir, 'output-none')
    await writeFile(output, '')
    process.env.GITHUB_OUTPUT = output
    const s = await settings({ mode: 'push' })
    const unchanged = change(`${IMAGE}:1.0.0`)
    expect(unchanged.files).toEqual([])

    await setOutputs(s, gitops(), [published], {
      base: 'main',
      commitMessage: 'Deploy',
      change: unchanged,
      written: false,
    })

    expect(parseOutputFile(await readFile(output, 'utf8'))).toMatchObject({
      changed: 'false',
      'changed-files': '[]',
      'commit-sha': '',
      'pull-request-number': '',
      'pull-request-url': '',
    })
  })
})

describe('deploymentFacts', () => {
  test('one entry per changed file with its diff and changes, and links back to the run', async () => {
    const image = { image: `${IMAGE}:1.2.3@${DIGEST}` } as Parameters<typeof deploymentFacts>[4]
    const facts = deploymentFacts(await settings(), gitops(), 'main', change(), image)
    expect(facts).toMatchObject({
      registry: 'europe-docker.pkg.dev',
      gitopsRepository: 'acme/gitops',
      base: 'main',
      source: { serverUrl: 'https://github.com', repository: 'acme/backend', runId: '7' },
    })
    expect(facts.files).toHaveLength(1)
    expect(facts.files[0]!.diff).toMatch(/^--- a\/apps\/backend\/deployment\.yaml\n/)
    expect(facts.files[0]!.changes).toHaveLength(1)
    expect(facts).not.toHaveProperty('publish')
  })
})

describe('the pull request branch is checked once, against the base that will be used', () => {
  test.each([
    [
      'an explicit base',
      { base: 'release', branch: 'release' },
      'main',
      /Input 'branch': is "release", the base branch/,
    ],
    ['the default branch', { branch: 'trunk' }, 'trunk', /Input 'branch': is "trunk", the base branch/],
  ])('%s', async (_, inputs, defaultBranch, message) => {
    await expect(readManifestTarget(gitops(defaultBranch), await settings(inputs))).rejects.toThrow(message)
  })

  test('push mode may commit to any branch, including the default one', async () => {
    await expect(readManifestTarget(gitops('main'), await settings({ mode: 'push', branch: 'main' }))).rejects.toThrow(
      /no snapshot expected/,
    )
  })
})
