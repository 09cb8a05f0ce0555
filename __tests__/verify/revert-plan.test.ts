import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { planRevert, splitLines, type WrittenFile } from '../../src/verify/revert-plan.js'

const OLD = 'registry.example/acme/backend:1.0@sha256:' + '1'.repeat(64)
const NEW = 'registry.example/acme/backend:1.1@sha256:' + '2'.repeat(64)

const before = [
  '# backend',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: backend',
  'spec:',
  '  template:',
  '    spec:',
  '      initContainers:',
  '        - name: migrate',
  `          image: "${OLD}" # keep quotes`,
  '      containers:',
  '        - name: backend',
  `          image: ${OLD}`,
  '',
].join('\r\n')
const after = before.split(OLD).join(NEW)

const written: WrittenFile = {
  path: 'apps/backend/deployment.yaml',
  before,
  after,
  changes: [
    { line: 11, kind: 'Deployment', workload: 'backend', container: 'migrate', from: OLD, to: NEW },
    { line: 14, kind: 'Deployment', workload: 'backend', container: 'backend', from: OLD, to: NEW },
  ],
}

describe('planRevert', () => {
  test('nothing changed since: the exact bytes from before come back', () => {
    const plan = planRevert([written], new Map([[written.path, after]]))
    expect(plan.files).toEqual([{ path: written.path, content: before }])
    expect(plan.restored.map((item) => item.line)).toEqual([11, 14])
    expect(plan.leftAlone).toEqual([])
  })

  test('other lines changed since: those changes stay, our scalars go back', () => {
    const current = after
      .replace('# backend', '# backend, owned by team craft')
      .replace('  name: backend\r\n', '  name: backend\r\n  labels: {tier: api}\r\n')
    const plan = planRevert([written], new Map([[written.path, current]]))
    expect(plan.files).toHaveLength(1)
    const expected = before
      .replace('# backend', '# backend, owned by team craft')
      .replace('  name: backend\r\n', '  name: backend\r\n  labels: {tier: api}\r\n')
    expect(plan.files[0]!.content).toBe(expected)
  })

  test('a scalar someone changed since is left alone and named', () => {
    const other = 'registry.example/acme/backend:1.2@sha256:' + '3'.repeat(64)
    const lines = splitLines(after)
    lines[13] = lines[13]!.replace(NEW, other)
    const plan = planRevert([written], new Map([[written.path, lines.join('')]]))
    expect(plan.restored.map((item) => item.line)).toEqual([11])
    expect(plan.leftAlone).toHaveLength(1)
    expect(plan.leftAlone[0]!.description).toMatch(
      /^apps\/backend\/deployment.yaml:14 container "backend" in Deployment "backend" .*: changed since this run wrote it$/,
    )
    expect(plan.files[0]!.content).toContain(`"${OLD}" # keep quotes`)
    expect(plan.files[0]!.content).toContain(`image: ${other}`)
  })

  test('every scalar changed since: nothing to commit', () => {
    const plan = planRevert([written], new Map([[written.path, after.split(NEW).join('x:1')]]))
    expect(plan.files).toEqual([])
    expect(plan.leftAlone).toHaveLength(2)
  })

  test('a deleted file is left alone', () => {
    const plan = planRevert([written], new Map([[written.path, undefined]]))
    expect(plan.files).toEqual([])
    expect(plan.leftAlone.map((item) => item.description)).toEqual([
      expect.stringContaining('the file was deleted since'),
      expect.stringContaining('the file was deleted since'),
    ])
  })

  test('an edit that added a line (kustomize digest) is undone as a unit', () => {
    const kBefore = 'images:\n  - name: backend\n    newTag: "1.0"\n'
    const kAfter = 'images:\n  - name: backend\n    newTag: "1.1"\n    digest: sha256:abc\n'
    const file: WrittenFile = {
      path: 'kustomization.yaml',
      before: kBefore,
      after: kAfter,
      changes: [{ line: 3, from: '1.0', to: '1.1' }],
    }
    const plan = planRevert([file], new Map([[file.path, `# top\n${kAfter}`]]))
    expect(plan.files[0]!.content).toBe(`# top\n${kBefore}`)
  })

  test('property: when nothing else changed, reverting gives back the original for any text', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 20 }), fc.array(fc.nat(19), { maxLength: 5 }), (lines, picks) => {
        const original = lines.map((line) => `${line.replace(/[\r\n]/g, '')}\n`).join('')
        const changed = splitLines(original)
          .map((line, i) => (picks.includes(i) ? `changed ${i}\n` : line))
          .join('')
        const file: WrittenFile = { path: 'f.yaml', before: original, after: changed, changes: [] }
        const plan = planRevert([file], new Map([[file.path, changed]]))
        const result = plan.files[0]?.content ?? changed
        expect(result).toBe(original)
      }),
    )
  })
})
