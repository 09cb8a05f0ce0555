// scripts/release-notes.ts: the Release workflow's tag check and the notes it publishes.
import { describe, expect, test } from '@jest/globals'
import { changelogEntry, majorTag, releaseNotes } from '../../scripts/release-notes.js'
import { read } from '../docs/helpers.js'

const CHANGELOG = [
  '# Changelog',
  '',
  'Intro.',
  '',
  '## [1.1.0] - 2027-01-15',
  '',
  '### Added',
  '',
  '- Something new.',
  '',
  '## [1.0.0] - 2026-12-02',
  '',
  'The first release.',
  '',
  '[1.1.0]: https://github.com/acme/gitops-deploy-action/releases/tag/v1.1.0',
  '[1.0.0]: https://github.com/acme/gitops-deploy-action/releases/tag/v1.0.0',
  '',
].join('\n')

describe('releaseNotes', () => {
  test("a tag that is v + package.json's version gets its changelog entry, without the next entry or the links", () => {
    expect(releaseNotes('v1.1.0', '1.1.0', CHANGELOG)).toBe('### Added\n\n- Something new.')
    expect(releaseNotes('v1.0.0', '1.0.0', CHANGELOG)).toBe('The first release.')
  })

  test.each([
    ['v1.0.1', '1.0.0', CHANGELOG, "The tag v1.0.1 does not match package.json's version 1.0.0"],
    ['1.0.0', '1.0.0', CHANGELOG, '"1.0.0" is not a release tag'],
    ['v1.0', '1.0.0', CHANGELOG, 'is not a release tag'],
    ['v2.0.0', '2.0.0', CHANGELOG, 'CHANGELOG.md has no entry "## [2.0.0] - YYYY-MM-DD"'],
    ['v1.0.0', '1.0.0', CHANGELOG.replace('2026-12-02', 'Unreleased'), '"## [1.0.0] - Unreleased" has no release date'],
    ['v1.0.0', '1.0.0', CHANGELOG.replace('The first release.', ''), 'is empty'],
  ])('%s with package.json %s is refused', (tag, version, changelog, message) => {
    expect(() => releaseNotes(tag, version, changelog)).toThrow(message)
  })

  test('an entry whose version is a prefix of another one is not confused with it', () => {
    expect(() => changelogEntry(CHANGELOG, '1.0', { dated: false })).toThrow('no entry')
  })

  test('the major tag of a release', () => {
    expect(majorTag('v1.0.0')).toBe('v1')
    expect(majorTag('v12.3.4')).toBe('v12')
  })
})

test("this repository's changelog has a non-empty entry for package.json's version", () => {
  const { version } = JSON.parse(read('package.json')) as { version: string }
  expect(changelogEntry(read('CHANGELOG.md'), version, { dated: false }).length).toBeGreaterThan(100)
})
