// The demo prints the job summary as text: fed here with what the action's own report builders
// write, so a change there that the text rendering no longer handles shows up.
import { describe, expect, test } from '@jest/globals'
import { cell, code, diffSections, text, utf8Length } from '../../src/report/markdown.js'
import { verificationMarkdown } from '../../src/verify/report.js'
import { markdownToText, type TextStyle } from '../../sandbox/markdown-text.js'

const REVISION = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const REVERT = '5bc35659cca546f321e925b2fcfba94d8c5192ef'

const failedAndReverted = verificationMarkdown({
  verified: false,
  revision: REVISION,
  failure: 'Argo CD application "acme-apps" failed to deploy a1b2c3d: health is Degraded at a1b2c3d',
  applications: [{ name: 'acme-apps', uiUrl: 'https://argocd.example/applications/argocd/acme-apps' }],
  timeline: [
    {
      at: '2026-12-07T16:13:32.120Z',
      application: 'acme-apps',
      snapshot: { sync: 'OutOfSync', revision: REVISION, health: 'Healthy', operation: 'Running' },
    },
    {
      at: '2026-12-07T16:13:38.480Z',
      application: 'acme-apps',
      snapshot: { sync: 'Synced', revision: REVISION, health: 'Degraded', operation: 'Succeeded' },
    },
  ],
  unhealthy: ['Deployment acme/backend: Degraded: Deployment "backend" exceeded its progress deadline'],
  smoke: [],
  revert: {
    commitSha: REVERT,
    commitUrl: `https://github.example/acme/gitops/commit/${REVERT}`,
    restored: [{ path: 'apps/backend/deployment.yaml', line: 24, description: 'container "backend" (1.5.1 → 1.5.0)' }],
    leftAlone: [],
    verified: true,
  },
})

describe('markdownToText', () => {
  test('the verification summary reads as text: no escapes, code fences or pipes; the timeline in columns', () => {
    expect(markdownToText(failedAndReverted)).toEqual([
      'Argo CD verification',
      '',
      '❌ Argo CD application "acme-apps" failed to deploy a1b2c3d: health is Degraded at a1b2c3d',
      '',
      '- Application acme-apps <https://argocd.example/applications/argocd/acme-apps>',
      '',
      'Time (UTC)  Application  Sync       Revision  Health    Operation',
      '16:13:32    acme-apps    OutOfSync  a1b2c3d   Healthy   Running',
      '16:13:38    acme-apps    Synced     a1b2c3d   Degraded  Succeeded',
      '',
      'Not healthy',
      '',
      '- Deployment acme/backend: Degraded: Deployment "backend" exceeded its progress deadline',
      '',
      'Revert',
      '',
      `Reverted in 5bc3565 <https://github.example/acme/gitops/commit/${REVERT}>.`,
      '- restored container "backend" (1.5.1 → 1.5.0)',
      'Argo CD is Synced and Healthy at the revert.',
    ])
  })

  test('label/value tables drop their empty header; escaped pipes stay in their cell, even in code', () => {
    const markdown = [
      '| | |',
      '|---|---|',
      `| **Image** | ${cell(code('repo:1.0|x'))} |`,
      `| **Note** | ${cell(text('a|b [c] *d*'))} |`,
      '',
    ].join('\n')
    expect(markdownToText(markdown)).toEqual(['Image  repo:1.0|x', 'Note   a|b [c] *d*'])
  })

  test('long diffs collapsed in <details> show their summary line and the diff', () => {
    const diff = [
      '--- a/x.yaml',
      '+++ b/x.yaml',
      '@@ -1,30 +1,30 @@',
      ...Array(30).fill(' same'),
      '-old: <1>',
      '+new: 2',
    ]
    const markdown = diffSections([{ path: 'x.yaml', diff: diff.join('\n') }], 100_000, utf8Length, 'the limit')
    expect(markdown).toContain('<details>')
    const lines = markdownToText(markdown)
    expect(lines[0]).toBe('x.yaml (+1 −1)')
    expect(lines).toContain('  -old: <1>')
    expect(lines.join('\n')).not.toMatch(/<\/?(details|summary|code)>|```/)
  })

  test('styles mark headings, table headers, code and diff lines', () => {
    const tag =
      (name: string) =>
      (value: string): string =>
        `<${name}>${value}</${name}>`
    const style: TextStyle = {
      bold: tag('b'),
      dim: tag('d'),
      code: tag('c'),
      added: tag('add'),
      removed: tag('rm'),
    }
    const lines = markdownToText(
      '### Deploy `backend`\n\n| A | B |\n| --- | --- |\n| `x` | y |\n\n```diff\n-a\n+b\n```\n',
      style,
    )
    expect(lines).toEqual([
      '<b>Deploy <c>backend</c></b>',
      '',
      '<b>A</b>  <b>B</b>',
      '<c>x</c>  y',
      '',
      '  <rm>-a</rm>',
      '  <add>+b</add>',
    ])
  })
})
