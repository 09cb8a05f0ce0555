// What a push-mode retry reads again after other workflows moved the base: only the files their
// commits changed, or everything when the set of files (or an overlay) may have changed.
import { describe, expect, test } from '@jest/globals'
import type { FileChange, GitOpsRepository, Snapshot } from '../../src/gitops/repository.js'
import type { Settings } from '../../src/settings.js'
import type { GitOps } from '../../src/writeback/gitops.js'
import { rereadManifests } from '../../src/writeback/read.js'

const snapshot: Snapshot = { branch: 'main', commitSha: 'c'.repeat(40), treeSha: 't'.repeat(40) }
const settings = { manifests: ['apps/a.yaml', 'apps/b.yaml'], fields: [] } as unknown as Settings
const known = {
  files: [
    { path: 'apps/a.yaml', content: 'image: old-a\n' },
    { path: 'apps/b.yaml', content: 'image: old-b\n' },
  ],
  considered: new Set(['apps/a.yaml', 'apps/b.yaml']),
}

/** A repository whose files now hold `now`; records what was asked of it. */
function gitopsAt(now: Record<string, string>) {
  const asked: string[] = []
  const repository = {
    fullName: 'acme/gitops',
    listTree: () => {
      asked.push('listTree')
      return Promise.resolve({ paths: Object.keys(now), blobs: new Map(), modes: new Map(), truncated: false })
    },
    readFiles: (_: Snapshot, paths: readonly string[]) => {
      asked.push(`readFiles ${paths.join(',')}`)
      return Promise.resolve(paths.map((path) => ({ path, content: now[path]! })))
    },
  } as unknown as GitOpsRepository
  const gitops = { repository, selector: { repository: 'x' }, selectors: [{ repository: 'x' }] } as unknown as GitOps
  return { gitops, asked }
}

const changed = (entries: Record<string, string>): { changes: ReadonlyMap<string, FileChange> } => ({
  changes: new Map(Object.entries(entries).map(([path, status]) => [path, { status }])),
})

describe('rereadManifests', () => {
  const now = { 'apps/a.yaml': 'image: old-a\n', 'apps/b.yaml': 'image: new-b\n', 'README.md': '#\n' }

  test('only a selected file the competing commits modified is read again', async () => {
    const { gitops, asked } = gitopsAt(now)
    const read = await rereadManifests(gitops, settings, snapshot, known, changed({ 'apps/b.yaml': 'modified' }))
    expect(asked).toEqual(['readFiles apps/b.yaml'])
    expect(read.files).toEqual([
      { path: 'apps/a.yaml', content: 'image: old-a\n' },
      { path: 'apps/b.yaml', content: 'image: new-b\n' },
    ])
  })

  test('changes elsewhere read nothing', async () => {
    const { gitops, asked } = gitopsAt(now)
    const read = await rereadManifests(gitops, settings, snapshot, known, changed({ 'README.md': 'modified' }))
    expect(asked).toEqual([])
    expect(read).toBe(known)
  })

  test.each([
    ['a file added', changed({ 'apps/c.yaml': 'added' })],
    ['a file removed', changed({ 'apps/old.yaml': 'removed' })],
    ['a file renamed', changed({ 'apps/d.yaml': 'renamed' })],
    [
      'a kustomization outside the selection changed (it may now override the pin)',
      changed({ 'overlays/prod/kustomization.yaml': 'modified' }),
    ],
    ['changes GitHub could not list', {}],
  ])('%s: everything is read again', async (_, moved) => {
    const { gitops, asked } = gitopsAt(now)
    await rereadManifests(gitops, settings, snapshot, known, moved)
    expect(asked).toEqual(['listTree', 'readFiles apps/a.yaml,apps/b.yaml'])
  })
})
