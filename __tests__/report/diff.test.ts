import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { applyPatch } from 'diff'
import { unifiedDiff } from '../../src/report/diff.js'

let dir: string
let counter = 0

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-diff-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** `git diff --no-index` of the two texts, from the first hunk on (its headers name temp files). */
async function gitDiff(before: string, after: string, context = 3): Promise<string> {
  const n = counter++
  const a = join(dir, `a${n}`)
  const b = join(dir, `b${n}`)
  await Promise.all([writeFile(a, before), writeFile(b, after)])
  const args = ['diff', '--no-index', '--no-color', '--no-ext-diff', `-U${context}`, a, b]
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: dir }
  const output = await new Promise<string>((resolve, reject) => {
    execFile('git', args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit status 1 means "differences found".
      if (error && error.code !== 1) reject(new Error(`git diff failed: ${stderr}`, { cause: error }))
      else resolve(stdout)
    })
  })
  const start = output.indexOf('\n@@')
  return start < 0 ? '' : output.slice(start + 1)
}

const hunksOf = (diff: string): string => diff.split('\n').slice(2).join('\n')

const lines = (count: number, prefix = 'line'): string =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join('')

const OLD = 'europe-docker.pkg.dev/acme/apps/backend:1.2.3@sha256:' + 'a'.repeat(64)
const NEW = 'europe-docker.pkg.dev/acme/apps/backend:1.2.4@sha256:' + 'b'.repeat(64)

function manifest(documents: number, image: (index: number) => string): string {
  return Array.from({ length: documents }, (_, i) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: service-${i}`,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app',
      `          image: ${image(i)} # pinned by CI`,
      '          ports:',
      '            - containerPort: 8080',
      '',
    ].join('\n'),
  ).join('---\n')
}

describe('unifiedDiff', () => {
  test('headers name the path on both sides; identical input gives an empty string', () => {
    expect(unifiedDiff('apps/backend/deployment.yaml', 'a\n', 'b\n')).toBe(
      '--- a/apps/backend/deployment.yaml\n+++ b/apps/backend/deployment.yaml\n@@ -1 +1 @@\n-a\n+b\n',
    )
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb\n')).toBe('')
    expect(() => unifiedDiff('f', 'a', 'b', 1.5)).toThrow(/whole number/)
  })

  const ten = lines(10)
  test.each([
    {
      name: 'an image change in a multi-document manifest',
      before: manifest(3, () => OLD),
      after: manifest(3, (i) => (i === 1 ? NEW : OLD)),
    },
    {
      name: 'image changes whose contexts touch or not',
      before: manifest(6, () => OLD),
      after: manifest(6, (i) => (i % 2 ? NEW : OLD)),
    },
    {
      name: 'lines inserted and deleted',
      before: ten,
      after: ten.replace('line 2\n', '').replace('line 7\n', 'line 7\nnew\n'),
    },
    { name: 'from and to an empty file', before: '', after: 'a\nb\n' },
    { name: 'to an empty file', before: 'a\nb\n', after: '' },
    { name: 'final newline removed', before: ten, after: ten.slice(0, -1) },
    {
      name: 'unchanged last line without newline in the context',
      before: ten.slice(0, -1),
      after: ten.slice(0, -1).replace('line 9', 'nine'),
    },
    {
      name: 'a long function line, cut as git cuts it',
      before: `${'ķ'.repeat(60)}:\n${lines(6)}`,
      after: `${'ķ'.repeat(60)}:\n${lines(6).replace('line 6', 'six')}`,
    },
  ])('matches git diff --no-index: $name', async ({ before, after }) => {
    const ours = unifiedDiff('dir/file.yaml', before, after)
    expect(hunksOf(ours)).toBe(await gitDiff(before, after))
    expect(applyPatch(before, ours)).toBe(after)
  })

  test('context 0 and 1 as git counts them', async () => {
    const before = lines(20)
    const after = before.replace('line 3\n', 'x\n').replace('line 5\n', '').replace('line 9\n', 'line 9\nz\n')
    for (const context of [0, 1]) {
      expect(hunksOf(unifiedDiff('f', before, after, context))).toBe(await gitDiff(before, after, context))
    }
  })

  test('a CRLF file shows no carriage returns, except one that is itself the change', () => {
    const crlf = (text: string): string => text.replace(/\n/g, '\r\n')
    const diff = unifiedDiff('m.yaml', crlf(manifest(2, () => OLD)), crlf(manifest(2, () => NEW)))
    expect(diff).not.toMatch(/[\r␍]/)
    expect(diff).toContain(`+          image: ${NEW} # pinned by CI\n`)
    expect(unifiedDiff('f', 'a\r\nb\r\nc\r\n', 'a\r\nb\nc\r\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b␍\n+b\n c\n',
    )
  })

  test('a missing final newline is marked after the line that lacks it', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nb\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    )
  })

  test('files with nothing in common become one hunk that still applies', () => {
    const before = lines(1500, 'old')
    const after = lines(1200, 'new').slice(0, -1)
    const diff = unifiedDiff('f', before, after)
    expect(diff.split('\n')[2]).toBe('@@ -1,1500 +1,1200 @@')
    expect(applyPatch(before, diff)).toBe(after)
  })
})
