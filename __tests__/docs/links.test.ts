// The docs check finds relative links that point nowhere: a missing file, an anchor that no
// heading has, a link out of the repository; headings get GitHub's anchors (repeats numbered).
import { expect, test } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { anchorsOf, brokenLinks, headingSlug, relativeLinks } from '../../scripts/doc-links.js'

test("headings get GitHub's anchors", () => {
  expect(headingSlug('`Input \'image\': "…" names no registry host`')).toBe('input-image--names-no-registry-host')
  expect(headingSlug('Verify later, or without access to Argo CD')).toBe('verify-later-or-without-access-to-argo-cd')
  expect([...anchorsOf('# A\n## Usage\n```\n# not a heading\n```\n## Usage\n<a id="custom"></a>\n')]).toEqual([
    'a',
    'usage',
    'usage-1',
    'custom',
  ])
})

test('links in code and to other sites are not checked', () => {
  const text =
    'See [guide](docs/a.md#x) and [site](https://example.com).\n`[code](nope.md)`\n```\n[x](fenced.md)\n```\n'
  expect(relativeLinks(text)).toEqual([{ target: 'docs/a.md#x', line: 1 }])
})

test('a missing file, a missing anchor and a link out of the repository are reported with their line', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'doc-links-'))
  try {
    await mkdir(path.join(root, 'docs'))
    await writeFile(path.join(root, 'docs', 'guide.md'), '# Guide\n\n## Set up\n')
    await writeFile(
      path.join(root, 'README.md'),
      [
        '# Readme',
        '[ok](docs/guide.md#set-up) [self](#readme)',
        '[gone](docs/missing.md)',
        '[anchor](docs/guide.md#tear-down)',
        '[out](../elsewhere.md)',
      ].join('\n'),
    )
    await writeFile(path.join(root, 'CONTRIBUTING.md'), 'Back to the [README](README.md#readme).\n')
    expect(await brokenLinks(root)).toEqual([
      'README.md:3: link docs/missing.md names docs/missing.md, which does not exist',
      'README.md:4: link docs/guide.md#tear-down: docs/guide.md has no heading with the anchor #tear-down',
      'README.md:5: link ../elsewhere.md leaves the repository',
    ])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
