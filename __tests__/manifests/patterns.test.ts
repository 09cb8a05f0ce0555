import { describe, expect, test } from '@jest/globals'
import {
  isExplicitFileList,
  selectManifestFiles,
  selectManifests,
  splitManifestsInput,
  validateManifestPatterns,
} from '../../src/manifests/patterns.js'
import { InputError } from '../../src/errors.js'

const WHERE = 'acme/gitops@main'

describe('validateManifestPatterns', () => {
  test.each([
    [['apps/backend/deploy.yaml'], ['apps/backend/deploy.yaml']],
    [['./apps/backend'], ['apps/backend']],
    [['apps//backend/'], ['apps/backend/']],
    [['apps/base.yaml/'], ['apps/base.yaml/']],
    [['apps/x/../'], ['apps/']],
    [['apps/*/'], ['apps/*']],
    [['apps\\backend\\deploy.yml'], ['apps/backend/deploy.yml']],
    [['  apps/x.yaml  '], ['apps/x.yaml']],
    [['apps/./x/../y.yaml'], ['apps/y.yaml']],
    [
      ['apps/**/*.yaml', 'base/'],
      ['apps/**/*.yaml', 'base/'],
    ],
    [['.'], ['.']],
    [['./'], ['.']],
  ])('%j -> %j', (input, expected) => {
    expect(validateManifestPatterns(input)).toEqual(expected)
  })

  test.each([
    [['/etc/passwd'], '"/etc/passwd" is an absolute path'],
    [['\\abs\\x.yaml'], 'is an absolute path'],
    [['C:/x.yaml'], 'is an absolute path'],
    [['c:\\x.yaml'], 'is an absolute path'],
    [['../other/x.yaml'], '"../other/x.yaml" points outside the GitOps repository root'],
    [['apps/../../x.yaml'], 'points outside'],
    [['apps/x.yaml', ''], 'an item is empty'],
    [['   '], 'an item is empty'],
    [['apps/\0x.yaml'], 'contains a NUL character'],
    [['!apps/legacy/**'], 'besides the exclusions'],
    [['apps/', '!'], 'write an exclusion as "!" followed by a path or glob'],
    [[], 'no file, directory or glob given'],
  ])('refuses %j', (input, message) => {
    expect(() => validateManifestPatterns(input)).toThrow(InputError)
    expect(() => validateManifestPatterns(input)).toThrow(message)
    expect(() => validateManifestPatterns(input)).toThrow("Input 'manifests'")
  })
})

describe('isExplicitFileList', () => {
  test.each([
    [['a.yaml'], true],
    [['apps/b/deploy.yml', 'c.YAML'], true],
    [['apps/b'], false],
    [['apps/*.yaml'], false],
    [['apps/deploy.yaml', 'apps/{a,b}.yaml'], false],
    [['apps/[ab].yaml'], false],
    [['apps/x?.yaml'], false],
    [['a.json'], false],
    [['apps/base.yaml/'], false],
    [['apps/base.yaml', 'apps/base.yaml/'], false],
    [[], false],
  ])('%j -> %s', (patterns, expected) => {
    expect(isExplicitFileList(patterns)).toBe(expected)
  })
})

describe('selectManifestFiles', () => {
  const repository = [
    'README.md',
    'apps/backend/deployment.yaml',
    'apps/backend/service.yml',
    'apps/backend/kustomization.yaml',
    'apps/backend/config/app.json',
    'apps/backend/overlays/prod/patch.yaml',
    'apps/frontend/deployment.yaml',
    'apps/frontend/.hidden/extra.yaml',
    'apps/backend-legacy/deployment.yaml',
    'clusters/prod/apps/backend/overlays/prod/patch.yaml',
    'notes/values.txt',
    'base.yaml',
  ]

  test.each([
    ['explicit file', ['apps/backend/deployment.yaml'], ['apps/backend/deployment.yaml']],
    ['explicit file of any extension', ['notes/values.txt'], ['notes/values.txt']],
    [
      'directory, recursively, YAML only, not a sibling with the same prefix',
      ['apps/backend'],
      [
        'apps/backend/deployment.yaml',
        'apps/backend/kustomization.yaml',
        'apps/backend/overlays/prod/patch.yaml',
        'apps/backend/service.yml',
      ],
    ],
    [
      'directory with trailing slash',
      ['apps/frontend/'],
      ['apps/frontend/.hidden/extra.yaml', 'apps/frontend/deployment.yaml'],
    ],
    [
      'glob',
      ['apps/*/deployment.yaml'],
      ['apps/backend-legacy/deployment.yaml', 'apps/backend/deployment.yaml', 'apps/frontend/deployment.yaml'],
    ],
    [
      'glob with ** includes dot directories',
      ['apps/frontend/**/*.yaml'],
      ['apps/frontend/.hidden/extra.yaml', 'apps/frontend/deployment.yaml'],
    ],
    [
      'glob naming directories selects below them',
      ['**/overlays/prod'],
      ['apps/backend/overlays/prod/patch.yaml', 'clusters/prod/apps/backend/overlays/prod/patch.yaml'],
    ],
    [
      'brace glob',
      ['apps/{backend,frontend}/deployment.yaml'],
      ['apps/backend/deployment.yaml', 'apps/frontend/deployment.yaml'],
    ],
    ['root', ['.'], repository.filter((file) => /\.ya?ml$/.test(file)).sort()],
    [
      'overlapping patterns are de-duplicated and sorted',
      ['apps/backend/deployment.yaml', './apps/backend', 'base.yaml'],
      [
        'apps/backend/deployment.yaml',
        'apps/backend/kustomization.yaml',
        'apps/backend/overlays/prod/patch.yaml',
        'apps/backend/service.yml',
        'base.yaml',
      ],
    ],
  ])('%s', (_name, patterns, expected) => {
    expect(selectManifestFiles(patterns, repository, WHERE)).toEqual(expected)
  })

  test.each([
    [
      ['apps/missing.yaml'],
      '"apps/missing.yaml" matches no file, nor a directory holding .yaml/.yml files, in acme/gitops@main',
    ],
    [['notes'], '"notes" matches no file'],
    [['apps/*/missing.yaml'], '"apps/*/missing.yaml" matches no .yaml/.yml file in acme/gitops@main'],
    [['apps/backend', 'Apps/Backend'], '"Apps/Backend" matches no file'],
    [['../x'], 'points outside'],
  ])('refuses %j', (patterns, message) => {
    expect(() => selectManifestFiles(patterns, repository, WHERE)).toThrow(InputError)
    expect(() => selectManifestFiles(patterns, repository, WHERE)).toThrow(message)
  })
})

describe('a directory whose name ends in .yaml', () => {
  const repository = ['apps/base.yaml/deployment.yaml', 'apps/base.yaml/service.yml', 'apps/other.yaml']

  test('with the trailing slash it is a directory: its manifests are selected, not a file of that name', () => {
    expect(isExplicitFileList(validateManifestPatterns(['apps/base.yaml/']))).toBe(false)
    expect(selectManifestFiles(['apps/base.yaml/'], repository, WHERE)).toEqual([
      'apps/base.yaml/deployment.yaml',
      'apps/base.yaml/service.yml',
    ])
  })

  test('with the trailing slash a file of that name is not selected', () => {
    expect(() => selectManifestFiles(['apps/other.yaml/'], repository, WHERE)).toThrow(
      '"apps/other.yaml/" matches no file, nor a directory holding .yaml/.yml files',
    )
  })
})

describe('duplicates', () => {
  test('the same file written twice is read and committed once', () => {
    expect(validateManifestPatterns(['apps/a.yaml', './apps/a.yaml', 'apps//a.yaml', 'apps/b.yaml'])).toEqual([
      'apps/a.yaml',
      'apps/b.yaml',
    ])
  })
})

describe('splitManifestsInput', () => {
  test.each([
    ['apps/{dev,prod}/deploy.yaml', ['apps/{dev,prod}/deploy.yaml']],
    ['a.yaml, b.yaml\nc/{x,y}/**\n!charts/**', ['a.yaml', 'b.yaml', 'c/{x,y}/**', '!charts/**']],
    ['a/{x,\nb.yaml', ['a/{x,', 'b.yaml']],
    ['\n  \n', []],
  ])('%j', (input, expected) => {
    expect(splitManifestsInput(input)).toEqual(expected)
  })
})

describe('exclusions', () => {
  const repository = [
    'apps/backend/deploy.yaml',
    'apps/backend/overlays/prod/kustomization.yaml',
    'charts/backend/templates/deployment.yaml',
    'charts/backend/values.yaml',
    'apps/dev/deploy.yaml',
    'apps/prod/deploy.yaml',
  ]

  test('a glob, a directory and a file', () => {
    expect(selectManifests(['.', '!charts/**'], repository, WHERE).files).toEqual([
      'apps/backend/deploy.yaml',
      'apps/backend/overlays/prod/kustomization.yaml',
      'apps/dev/deploy.yaml',
      'apps/prod/deploy.yaml',
    ])
    expect(selectManifests(['apps', '!apps/backend'], repository, WHERE).files).toEqual([
      'apps/dev/deploy.yaml',
      'apps/prod/deploy.yaml',
    ])
    expect(selectManifests(['apps/', '!./apps/dev/deploy.yaml'], repository, WHERE).files).not.toContain(
      'apps/dev/deploy.yaml',
    )
  })

  test('brace globs with commas', () => {
    const selection = selectManifests(splitManifestsInput('apps/{dev,prod}/deploy.yaml'), repository, WHERE)
    expect(selection.files).toEqual(['apps/dev/deploy.yaml', 'apps/prod/deploy.yaml'])
  })

  test('files named as themselves are told apart from those reached through a directory', () => {
    const selection = selectManifests(['apps/dev/deploy.yaml', 'charts/'], repository, WHERE)
    expect([...selection.named]).toEqual(['apps/dev/deploy.yaml'])
  })

  test('an inclusion that the exclusions empty is refused', () => {
    expect(() => selectManifests(['charts/', '!charts/**'], repository, WHERE)).toThrow(
      '"charts/" selects only files that the exclusions remove',
    )
  })
})
