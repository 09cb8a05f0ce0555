import { describe, expect, test } from '@jest/globals'
import { parseImageReference } from '../../src/image/reference.js'
import { unifiedDiff } from '../../src/report/diff.js'
import {
  MAX_BODY_LENGTH,
  PULL_REQUEST_MARKER,
  pullRequestBody,
  type DeploymentFacts,
} from '../../src/report/pull-request.js'
import { templateValues } from '../../src/report/templates.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const OLD = `europe-docker.pkg.dev/acme/apps/backend:1.4.1@sha256:${'cd'.repeat(32)}`
const NEW = `europe-docker.pkg.dev/acme/apps/backend:1.4.2@${DIGEST}`

function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`
}

function facts(overrides: Partial<DeploymentFacts> = {}): DeploymentFacts {
  const path = 'apps/backend/deployment.yaml'
  return {
    image: templateValues(parseImageReference('europe-docker.pkg.dev/acme/apps/backend:1.4.2'), DIGEST),
    registry: 'europe-docker.pkg.dev',
    gitopsRepository: 'acme/gitops',
    base: 'main',
    files: [
      {
        path,
        diff: unifiedDiff(path, deployment('backend', OLD), deployment('backend', NEW)),
        changes: [{ line: 10, kind: 'Deployment', workload: 'backend', container: 'app', from: OLD, to: NEW }],
      },
    ],
    source: {
      serverUrl: 'https://github.com',
      repository: 'acme/backend',
      sha: '0123456789abcdef0123456789abcdef01234567',
      runId: '987654',
    },
    ...overrides,
  }
}

/** What a pessimistic counter of GitHub's limit sees: every newline may be stored as \r\n. */
const githubLength = (body: string): number => body.replace(/\n/g, '\r\n').length

describe('pullRequestBody', () => {
  test('shows intro, facts, changed containers, the diff, links and the marker', () => {
    const body = pullRequestBody(facts(), 'Deploys **backend** 1.4.2.')
    expect(body.startsWith('Deploys **backend** 1.4.2.\n\n')).toBe(true)
    expect(body).toContain(`| **Image** | \`${NEW}\` |`)
    expect(body).toContain(`| **Digest** | \`${DIGEST}\` |`)
    expect(body).toContain('| **Registry** | `europe-docker.pkg.dev` |')
    expect(body).toContain('| **Files** | `apps/backend/deployment.yaml` |')
    expect(body).toContain(`  - line 10: Deployment \`backend\`, container \`app\`: \`${OLD}\` → \`${NEW}\``)
    expect(body).toContain(
      '```diff\n--- a/apps/backend/deployment.yaml\n+++ b/apps/backend/deployment.yaml\n@@ -7,4 +7,4 @@ spec:\n',
    )
    expect(body).toContain(`-          image: ${OLD}\n+          image: ${NEW}\n\`\`\`\n`)
    expect(body).toContain(
      'Deployed from commit [`0123456`](https://github.com/acme/backend/commit/0123456789abcdef0123456789abcdef01234567) of acme/backend' +
        ' by [workflow run 987654](https://github.com/acme/backend/actions/runs/987654).',
    )
    expect(body.endsWith(`${PULL_REQUEST_MARKER}\n`)).toBe(true)
    // A short diff is shown open.
    expect(body).not.toContain('<details>')
  })

  test('an empty intro adds nothing', () => {
    expect(pullRequestBody(facts(), '  \n').startsWith('| | |\n')).toBe(true)
  })

  test('links whose parts are missing are left out', () => {
    const noSha = pullRequestBody(
      facts({ source: { serverUrl: 'https://github.com', repository: 'acme/backend', sha: '', runId: '42' } }),
      '',
    )
    expect(noSha).toContain(
      'Deployed by [workflow run 42](https://github.com/acme/backend/actions/runs/42) of acme/backend.',
    )
    expect(noSha).not.toContain('/commit/')
    const noRun = pullRequestBody(
      facts({
        source: { serverUrl: 'https://ghe.example.com/', repository: 'acme/backend', sha: 'abcdef1234', runId: '' },
      }),
      '',
    )
    expect(noRun).toContain(
      'Deployed from commit [`abcdef1`](https://ghe.example.com/acme/backend/commit/abcdef1234) of acme/backend.',
    )
    expect(noRun).not.toContain('actions/runs')
    const none = pullRequestBody(facts({ source: { serverUrl: '', repository: '', sha: '', runId: '' } }), '')
    expect(none).not.toContain('Deployed')
    expect(none).toContain(PULL_REQUEST_MARKER)
  })

  test('user-controlled values cannot break the table, code spans or fences', () => {
    const path = 'odd|dir/`tick`/<b>x</b>.yaml'
    const before = 'data: |\n  ```\n  fenced\n  ```\nimage: a\n'
    const after = before.replace('image: a', 'image: b')
    const body = pullRequestBody(
      facts({
        files: [
          {
            path,
            diff: unifiedDiff(path, before, after),
            changes: [{ line: 5, kind: 'Pod*', workload: 'w_x', container: 'c`1', from: 'a', to: 'b' }],
          },
        ],
      }),
      '',
    )
    expect(body).toContain('| **Files** | ``odd\\|dir/`tick`/<b>x</b>.yaml`` |')
    expect(body).toContain('- ``odd|dir/`tick`/<b>x</b>.yaml``')
    expect(body).toContain('line 5: Pod\\* `w_x`, container ``c`1``: `a` → `b`')
    // The diff holds a ``` line, so its fence is longer.
    expect(body).toContain('````diff\n')
    expect(body).toMatch(/\n {3}```\n/)
    expect(body).toContain('\n````\n')
  })

  test('a long diff is collapsed under the file name, escaped for HTML', () => {
    const path = 'apps/<x>&y.yaml'
    const before = Array.from({ length: 40 }, (_, i) => `key${i}: ${i % 5 === 0 ? OLD : 'v'}`).join('\n') + '\n'
    const after = before.split(OLD).join(NEW)
    const body = pullRequestBody(facts({ files: [{ path, diff: unifiedDiff(path, before, after), changes: [] }] }), '')
    expect(body).toContain('<details><summary><code>apps/&lt;x&gt;&amp;y.yaml</code> (+8 −8)</summary>\n\n```diff\n')
    expect(body).toContain('```\n\n</details>')
    expect(body).not.toContain('**Changed containers**')
  })

  test('huge diffs are cut to stay under 65,536 characters, saying what was cut', () => {
    const files = Array.from({ length: 5 }, (_, f) => {
      const path = `apps/service-${f}/all.yaml`
      const before = Array.from({ length: 400 }, (_, d) => deployment(`svc-${d}`, OLD)).join('---\n')
      const after = before.split(OLD).join(NEW)
      return {
        path,
        diff: unifiedDiff(path, before, after),
        changes: Array.from({ length: 400 }, (_, d) => ({
          line: d * 11 + 10,
          kind: 'Deployment',
          workload: `svc-${d}`,
          container: 'app',
          from: OLD,
          to: NEW,
        })),
      }
    })
    expect(files.reduce((sum, file) => sum + file.diff.length, 0)).toBeGreaterThan(5 * MAX_BODY_LENGTH)
    const body = pullRequestBody(facts({ files }), 'Intro.')
    expect(githubLength(body)).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    expect(body).toContain('Intro.')
    expect(body).toMatch(/… and \d+ more containers/)
    expect(body).toMatch(
      /_The last diff is cut after \d+ lines of \d+\. The diffs of \d+ more files are left out\. This keeps the text under GitHub's limit of 65,536 characters; the commit has the full change\._/,
    )
    expect(body).toContain('<details><summary><code>apps/service-0/all.yaml</code> (+400 −400)</summary>')
    // Every opened fence is closed.
    expect(body.match(/^```/gm)!.length % 2).toBe(0)
    expect(body).toContain('workflow run 987654')
    expect(body.endsWith(`${PULL_REQUEST_MARKER}\n`)).toBe(true)
  })

  test('a huge intro is cut too, and facts, links and marker survive', () => {
    const intro = Array.from({ length: 5000 }, (_, i) => `Release note line ${i} with some words in it.`).join('\n')
    const body = pullRequestBody(facts(), intro)
    expect(githubLength(body)).toBeLessThanOrEqual(MAX_BODY_LENGTH)
    expect(body).toContain("_The description above is cut to stay under GitHub's limit of 65,536 characters._")
    expect(body).toContain('| **Digest** |')
    expect(body).toContain('```diff\n')
    expect(body).toContain('workflow run 987654')
    expect(body.endsWith(`${PULL_REQUEST_MARKER}\n`)).toBe(true)
  })

  test('the table names ten files, then counts', () => {
    const files = Array.from({ length: 13 }, (_, i) => ({ path: `f${i}.yaml`, diff: '', changes: [] }))
    const body = pullRequestBody(facts({ files }), '')
    expect(body).toContain('`f9.yaml`<br>… and 3 more files |')
    expect(body).not.toContain('`f10.yaml`')
    expect(body).not.toContain('**Diff**')
  })
})
