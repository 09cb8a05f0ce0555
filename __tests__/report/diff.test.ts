import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
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
async function gitDiff(
  before: string,
  after: string,
  options: { context?: number; args?: string[] } = {},
): Promise<string> {
  const n = counter++
  const a = join(dir, `a${n}`)
  const b = join(dir, `b${n}`)
  await Promise.all([writeFile(a, before), writeFile(b, after)])
  const args = [
    'diff',
    '--no-index',
    '--no-color',
    '--no-ext-diff',
    `-U${options.context ?? 3}`,
    ...(options.args ?? []),
    a,
    b,
  ]
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

function hunksOf(diff: string): string {
  expect(diff.startsWith('--- a/')).toBe(true)
  return diff.split('\n').slice(2).join('\n')
}

const lines = (count: number, prefix = 'line'): string =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}\n`).join('')

function manifest(documents: number, image: (index: number) => string): string {
  const parts: string[] = []
  for (let i = 0; i < documents; i++) {
    parts.push(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: service-${i}`,
        '  labels:',
        `    app: service-${i}`,
        'spec:',
        '  replicas: 2',
        '  selector:',
        '    matchLabels:',
        `      app: service-${i}`,
        '  template:',
        '    metadata:',
        '      labels:',
        `        app: service-${i}`,
        '    spec:',
        '      containers:',
        '        - name: app',
        `          image: ${image(i)} # pinned by CI`,
        '          ports:',
        '            - containerPort: 8080',
        '          resources:',
        '            limits:',
        '              memory: 256Mi',
        '        - name: sidecar',
        '          image: envoyproxy/envoy:v1.30.1',
        '',
      ].join('\n'),
    )
  }
  return parts.join('---\n')
}

const OLD = 'europe-docker.pkg.dev/acme/apps/backend:1.2.3@sha256:' + 'a'.repeat(64)
const NEW = 'europe-docker.pkg.dev/acme/apps/backend:1.2.4@sha256:' + 'b'.repeat(64)

describe('unifiedDiff matches git diff --no-index', () => {
  const ten = lines(10)
  // Objects, not arrays: a row shorter than the callback's parameter list makes Jest pass `done`.
  const rows: [string, string, string, number?][] = [
    ['one line changed in the middle', ten, ten.replace('line 5\n', 'line five\n')],
    ['first line changed', ten, ten.replace('line 1\n', 'first\n')],
    ['last line changed', ten, ten.replace('line 10\n', 'last\n')],
    ['lines inserted', ten, ten.replace('line 4\n', 'line 4\nnew a\nnew b\n')],
    ['lines deleted', ten, ten.replace('line 4\nline 5\n', '')],
    [
      'two changes whose contexts touch share a hunk',
      lines(20),
      lines(20).replace('line 3\n', 'x\n').replace('line 10\n', 'y\n'),
    ],
    [
      'two changes one line further apart get two hunks',
      lines(20),
      lines(20).replace('line 3\n', 'x\n').replace('line 11\n', 'y\n'),
    ],
    [
      'context 0',
      lines(20),
      lines(20).replace('line 3\n', 'x\n').replace('line 5\n', '').replace('line 9\n', 'line 9\nz\n'),
      0,
    ],
    ['context 1', lines(20), lines(20).replace('line 3\n', 'x\n').replace('line 7\n', 'y\n'), 1],
    ['context 10 reaches both ends', lines(20), lines(20).replace('line 10\n', 'x\n'), 10],
    ['from an empty file', '', 'a\nb\n'],
    ['to an empty file', 'a\nb\n', ''],
    ['final newline removed', ten, ten.slice(0, -1)],
    ['final newline added', ten.slice(0, -1), ten],
    ['last line changed, neither has a final newline', ten.slice(0, -1), ten.replace('line 10\n', 'ten')],
    [
      'unchanged last line without newline in the context',
      ten.slice(0, -1),
      ten.slice(0, -1).replace('line 9', 'nine'),
    ],
    ['only a line without newline on both sides', 'a', 'b'],
    ['every line different', lines(30, 'old'), lines(20, 'new')],
    [
      'a function line ahead of the hunk names it',
      'spec:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n',
      'spec:\n  a: 1\n  b: 2\n  c: 3\n  d: 44\n  e: 5\n',
    ],
    [
      'a long function line is cut as git cuts it',
      `${'k'.repeat(120)}:\n${lines(6)}`,
      `${'k'.repeat(120)}:\n${lines(6).replace('line 6', 'six')}`,
    ],
    ['an image change in a multi-document manifest', manifest(3, () => OLD), manifest(3, (i) => (i === 1 ? NEW : OLD))],
    ['several image changes in one manifest', manifest(6, () => OLD), manifest(6, (i) => (i % 2 ? NEW : OLD))],
    ['a removed line ambiguous among repeats', 'a\nb\nb\nb\nc\n', 'a\nb\nb\nc\n'],
    ['an inserted block among repeated lines', 'x\n---\ny\n---\nz\n', 'x\n---\ny\n---\nnew\n---\nz\n'],
    ['lines moved', lines(12), lines(12).replace('line 2\nline 3\n', '') + 'line 2\nline 3\n'],
  ]

  const cases = rows.map(([name, before, after, context]) => ({ name, before, after, context }))

  test.each(cases)('$name', async ({ before, after, context }) => {
    const ours = unifiedDiff('dir/file.yaml', before, after, context)
    // Without its indent heuristic, git places ambiguous groups by the same rule this module uses.
    expect(hunksOf(ours)).toBe(await gitDiff(before, after, { context, args: ['--no-indent-heuristic'] }))
  })

  test('image-line changes need no heuristic: same as plain git diff', async () => {
    const before = manifest(20, () => OLD)
    const after = manifest(20, (i) => (i % 7 === 3 ? NEW : OLD))
    expect(hunksOf(unifiedDiff('m.yaml', before, after))).toBe(await gitDiff(before, after))
  })
})

describe('unifiedDiff format', () => {
  test('headers name the path on both sides', () => {
    const diff = unifiedDiff('apps/backend/deployment.yaml', 'a\n', 'b\n')
    expect(diff).toBe('--- a/apps/backend/deployment.yaml\n+++ b/apps/backend/deployment.yaml\n@@ -1 +1 @@\n-a\n+b\n')
  })

  test('identical input gives an empty string', () => {
    expect(unifiedDiff('f', '', '')).toBe('')
    expect(unifiedDiff('f', 'a\nb\n', 'a\nb\n')).toBe('')
  })

  test('a bad context is refused', () => {
    expect(() => unifiedDiff('f', 'a', 'b', -1)).toThrow(RangeError)
    expect(() => unifiedDiff('f', 'a', 'b', 1.5)).toThrow(/whole number/)
  })

  test('context Infinity shows the whole file', () => {
    const diff = unifiedDiff('f', lines(50), lines(50).replace('line 25\n', 'x\n'), Infinity)
    expect(diff.split('\n')[2]).toBe('@@ -1,50 +1,50 @@')
  })
})

describe('line endings', () => {
  test('a CRLF file diffs like git with the carriage returns left out of the display', async () => {
    const before = manifest(3, () => OLD).replace(/\n/g, '\r\n')
    const after = manifest(3, (i) => (i === 2 ? NEW : OLD)).replace(/\n/g, '\r\n')
    const ours = unifiedDiff('m.yaml', before, after)
    expect(ours).not.toContain('\r')
    expect(ours).not.toContain('␍')
    expect(hunksOf(ours)).toBe((await gitDiff(before, after)).replace(/\r/g, ''))
  })

  test('a carriage return that differs is shown', () => {
    const diff = unifiedDiff('f', 'a\r\nb\r\nc\r\n', 'a\r\nb\nc\r\n')
    expect(diff).toBe('--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b␍\n+b\n c\n')
  })

  test('a lone \\r inside a line stays as it is', () => {
    expect(unifiedDiff('f', 'a\rb\n', 'a\rc\n')).toBe('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\rb\n+a\rc\n')
  })

  test('a missing final newline is marked after the line that lacks it', () => {
    expect(unifiedDiff('f', 'a\nb', 'a\nb\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n',
    )
    expect(unifiedDiff('f', 'a\nb', 'x\nb', 1)).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-a\n+x\n b\n\\ No newline at end of file\n',
    )
  })
})

describe('large input', () => {
  test('a 1,000-document manifest with a handful of changes equals git', async () => {
    const before = manifest(1000, () => OLD)
    const changed = new Set([3, 250, 251, 700, 999])
    const after = manifest(1000, (i) => (changed.has(i) ? NEW : OLD))
    expect(before.split('\n').length).toBeGreaterThan(25_000)
    const ours = unifiedDiff('big.yaml', before, after)
    expect(hunksOf(ours)).toBe(await gitDiff(before, after))
    expect(ours.split('\n').filter((line) => line.startsWith('+') && !line.startsWith('+++'))).toHaveLength(5)
  })

  test('a 1,000-document manifest with every image changed: one line out, one in, per document', () => {
    const before = manifest(1000, () => OLD)
    const after = manifest(1000, () => NEW)
    const diff = unifiedDiff('big.yaml', before, after)
    const body = diff.split('\n').slice(2)
    expect(body.filter((line) => line.startsWith('-'))).toHaveLength(1000)
    expect(body.filter((line) => line.startsWith('+'))).toHaveLength(1000)
    expect(applyPatch(before, diff)).toBe(after)
  })

  test('two unrelated 20,000-line files', () => {
    const before = lines(20_000, 'old')
    const after = lines(20_000, 'new')
    const diff = unifiedDiff('f', before, after)
    expect(applyPatch(before, diff)).toBe(after)
  })

  test('shuffled lines of a repetitive file still give a valid diff', () => {
    const base = manifest(200, () => OLD).split('\n')
    const shuffled = [...base]
    let seed = 42
    for (let i = shuffled.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      const j = seed % (i + 1)
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const before = base.join('\n')
    const after = shuffled.join('\n')
    expect(applyPatch(before, unifiedDiff('f', before, after))).toBe(after)
  })
})

describe('properties', () => {
  const text = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', '  x'), { maxLength: 24 }), fc.boolean())
    .map(([parts, finalNewline]) => (parts.length === 0 ? '' : parts.join('\n') + (finalNewline ? '\n' : '')))

  test('the diff turns before into after, with as few changed lines as possible', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (before, after, context) => {
        const diff = unifiedDiff('f', before, after, context)
        if (before === after) return diff === ''
        expect(applyPatch(before, diff)).toBe(after)
        const body = diff.split('\n').slice(2)
        const changed = body.filter((line) => line.startsWith('-') || line.startsWith('+')).length
        expect(changed).toBe(minimalEdits(before, after))
        return true
      }),
      { numRuns: 500 },
    )
  })
})

interface Parsed {
  lines: string[]
  finalNewline: boolean
}

function parse(text: string): Parsed {
  if (text === '') return { lines: [], finalNewline: true }
  const lines = text.split('\n')
  const finalNewline = lines[lines.length - 1] === ''
  if (finalNewline) lines.pop()
  return { lines, finalNewline }
}

/** Applies a unified diff, checking every context and removed line against `before`. */
function applyPatch(before: string, diff: string): string {
  const source = parse(before)
  const out: { text: string; newline: boolean }[] = []
  let position = 0
  const copy = (): void => {
    out.push({ text: source.lines[position]!, newline: position < source.lines.length - 1 || source.finalNewline })
    position++
  }
  let last = ' '
  for (const line of diff.split('\n').slice(2, -1)) {
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@/.exec(line)
    if (header) {
      const start = header[2] === '0' ? Number(header[1]) : Number(header[1]) - 1
      while (position < start) copy()
    } else if (line === '\\ No newline at end of file') {
      if (last !== '-') out[out.length - 1]!.newline = false
    } else {
      last = line[0]!
      const content = line.slice(1)
      if (last === '+') {
        out.push({ text: content, newline: true })
      } else {
        expect(source.lines[position]).toBe(content)
        if (last === ' ') out.push({ text: content, newline: true })
        position++
      }
    }
  }
  while (position < source.lines.length) copy()
  return out.map((line) => line.text + (line.newline ? '\n' : '')).join('')
}

/** Deletions plus insertions of a shortest edit script, by dynamic programming over lines (with their newline). */
function minimalEdits(before: string, after: string): number {
  const key = (parsed: Parsed): string[] =>
    parsed.lines.map((line, i) => (i === parsed.lines.length - 1 && !parsed.finalNewline ? line : `${line}\n`))
  const a = key(parse(before))
  const b = key(parse(after))
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0))
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
    }
  }
  return a.length + b.length - 2 * lcs[0]![0]!
}
