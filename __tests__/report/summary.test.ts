import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { parseImageReference } from '../../src/image/reference.js'
import { unifiedDiff } from '../../src/report/diff.js'
import type { DeploymentFacts } from '../../src/report/pull-request.js'
import { summaryMarkdown, writeJobSummary, type RunReport } from '../../src/report/summary.js'
import { templateValues } from '../../src/report/templates.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const OLD = `europe-docker.pkg.dev/acme/apps/backend:1.4.1@sha256:${'cd'.repeat(32)}`
const NEW = `europe-docker.pkg.dev/acme/apps/backend:1.4.2@${DIGEST}`
const PATH = 'apps/backend/deployment.yaml'
const BEFORE = `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${OLD}\n`

function facts(overrides: Partial<DeploymentFacts> = {}): DeploymentFacts {
  return {
    image: templateValues(parseImageReference('europe-docker.pkg.dev/acme/apps/backend:1.4.2'), DIGEST),
    registry: 'europe-docker.pkg.dev',
    gitopsRepository: 'acme/gitops',
    base: 'main',
    files: [
      {
        path: PATH,
        diff: unifiedDiff(PATH, BEFORE, BEFORE.replace(OLD, NEW)),
        changes: [{ line: 7, kind: 'Deployment', workload: 'backend', container: 'app', from: OLD, to: NEW }],
      },
    ],
    source: {
      serverUrl: 'https://github.com',
      repository: 'acme/backend',
      sha: 'fedcba9876543210fedcba9876543210fedcba98',
      runId: '31337',
    },
    publish: { pushed: true, blobsUploaded: 2, blobsPresent: 3, bytesUploaded: 5 * 1024 * 1024 + 300 * 1024 },
    ...overrides,
  }
}

const report = (overrides: Partial<RunReport> = {}): RunReport => ({
  facts: facts(),
  mode: 'push',
  dryRun: false,
  changed: true,
  ...overrides,
})

describe('summaryMarkdown', () => {
  test('a push: heading, commit link, facts with layers, containers, diff, source links', () => {
    const markdown = summaryMarkdown(
      report({ commitUrl: 'https://github.com/acme/gitops/commit/1234567890abcdef1234567890abcdef12345678' }),
    )
    expect(
      markdown.startsWith(
        '## Deploy `backend`\n\nPushed commit [`1234567`](https://github.com/acme/gitops/commit/1234567890abcdef1234567890abcdef12345678) to `main` of acme/gitops.\n\n',
      ),
    ).toBe(true)
    expect(markdown).toContain(`| **Image** | \`${NEW}\` |`)
    expect(markdown).toContain(`| **Digest** | \`${DIGEST}\` |`)
    expect(markdown).toContain('| **Registry** | `europe-docker.pkg.dev` |')
    expect(markdown).toContain('| **Layers** | 2 uploaded (5.3 MiB), 3 already in the registry |')
    expect(markdown).toContain('| **GitOps repository** | [acme/gitops](https://github.com/acme/gitops) → `main` |')
    expect(markdown).toContain(`| **Files** | \`${PATH}\` |`)
    expect(markdown).toContain(
      `### Changed containers\n\n- \`${PATH}\`\n  - line 7: Deployment \`backend\`, container \`app\`: \`${OLD}\` → \`${NEW}\`\n`,
    )
    expect(markdown).toContain(`### Diff\n\n\`\`\`diff\n--- a/${PATH}\n+++ b/${PATH}\n`)
    expect(markdown).toContain(`-          image: ${OLD}\n+          image: ${NEW}\n\`\`\`\n`)
    expect(
      markdown.trimEnd().endsWith('by [workflow run 31337](https://github.com/acme/backend/actions/runs/31337).'),
    ).toBe(true)
    expect(markdown).not.toContain('gitops-deploy-action -->')
  })

  test.each([
    {
      name: 'opened PR',
      overrides: {
        mode: 'pr',
        pullRequest: { number: 12, url: 'https://github.com/acme/gitops/pull/12', created: true },
      },
      outcome: 'Opened pull request [#12](https://github.com/acme/gitops/pull/12) into `main` of acme/gitops.',
    },
    {
      name: 'updated PR',
      overrides: {
        mode: 'pr',
        pullRequest: { number: 12, url: 'https://github.com/acme/gitops/pull/12', created: false },
      },
      outcome: 'Updated pull request [#12](https://github.com/acme/gitops/pull/12) into `main` of acme/gitops.',
    },
    {
      name: 'nothing to change',
      overrides: { changed: false },
      outcome: `Nothing to change: the manifests already pin \`${DIGEST}\`.`,
    },
    {
      name: 'dry run, push',
      overrides: { dryRun: true },
      outcome: '**Dry run:** nothing was pushed or written. The run would push a commit to `main` of acme/gitops.',
    },
    {
      name: 'dry run, pr',
      overrides: { dryRun: true, mode: 'pr' },
      outcome:
        '**Dry run:** nothing was pushed or written. The run would open or update a pull request into `main` of acme/gitops.',
    },
    {
      name: 'dry run, nothing to change',
      overrides: { dryRun: true, changed: false },
      outcome: `**Dry run.** Nothing to change: the manifests already pin \`${DIGEST}\`.`,
    },
  ] as { name: string; overrides: Partial<RunReport>; outcome: string }[])(
    'outcome: $name',
    ({ overrides, outcome }) => {
      expect(summaryMarkdown(report(overrides)).split('\n\n')[1]).toBe(outcome)
    },
  )

  test('layers: not pushed, or no row when nothing was published', () => {
    expect(
      summaryMarkdown(
        report({ facts: facts({ publish: { pushed: false, blobsUploaded: 0, blobsPresent: 0, bytesUploaded: 0 } }) }),
      ),
    ).toContain('| **Layers** | not pushed by this run |')
    expect(
      summaryMarkdown(
        report({
          dryRun: true,
          facts: facts({ publish: { pushed: false, blobsUploaded: 0, blobsPresent: 0, bytesUploaded: 0 } }),
        }),
      ),
    ).toContain('| **Layers** | not pushed (dry run) |')
    expect(summaryMarkdown(report({ facts: facts({ publish: undefined }) }))).not.toContain('**Layers**')
  })

  test('HTML in a diff stays text: it is inside a fence, never raw', () => {
    const before = 'a: <script>alert(1)</script>\n'
    const markdown = summaryMarkdown(
      report({
        facts: facts({
          files: [{ path: 'x.yaml', diff: unifiedDiff('x.yaml', before, before.replace('1', '2')), changes: [] }],
        }),
      }),
    )
    expect(markdown).toContain(
      '```diff\n--- a/x.yaml\n+++ b/x.yaml\n@@ -1 +1 @@\n-a: <script>alert(1)</script>\n+a: <script>alert(2)</script>\n```\n',
    )
  })

  test('a huge diff stays under the 1 MiB summary limit', () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i}: ${'x'.repeat(30)}`)
    const diff = unifiedDiff('big.yaml', lines.join('\n') + '\n', lines.map((line) => `${line}!`).join('\n') + '\n')
    const markdown = summaryMarkdown(report({ facts: facts({ files: [{ path: 'big.yaml', diff, changes: [] }] }) }))
    expect(Buffer.byteLength(diff)).toBeGreaterThan(1024 * 1024)
    expect(Buffer.byteLength(markdown)).toBeLessThan(1024 * 1024)
    expect(markdown).toMatch(/The last diff is cut after \d+ lines of 80003\./)
  })
})

describe('writeJobSummary', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-summary-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
    delete process.env['GITHUB_STEP_SUMMARY']
  })

  test('appends the markdown to GITHUB_STEP_SUMMARY and returns it', async () => {
    const file = join(dir, 'summary.md')
    await writeFile(file, 'earlier step\n')
    process.env['GITHUB_STEP_SUMMARY'] = file
    const markdown = await writeJobSummary(
      report({ mode: 'pr', pullRequest: { number: 3, url: 'https://github.com/acme/gitops/pull/3', created: true } }),
    )
    expect(markdown).toContain('Opened pull request [#3]')
    expect(await readFile(file, 'utf8')).toBe(`earlier step\n${markdown}\n`)
  })

  test('without GITHUB_STEP_SUMMARY it writes nothing and still returns the markdown', async () => {
    delete process.env['GITHUB_STEP_SUMMARY']
    const markdown = await writeJobSummary(report())
    expect(markdown).toContain('## Deploy `backend`')
  })
})
