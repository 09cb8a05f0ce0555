// Argo CD's reference trailers: built, appended after any message, and read back exactly by git's
// own parser (`git interpret-trailers --parse`) and by ours.
import { describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import fc from 'fast-check'
import {
  formatAuthor,
  namesRepository,
  parseReferenceTrailers,
  referenceTrailers,
  type SourceCommit,
  splitMessage,
  withReferenceTrailers,
} from '../../src/provenance/trailers.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const FULL: SourceCommit = {
  repoUrl: 'https://github.com/acme/backend',
  sha: SHA,
  author: 'Ada Lovelace <ada@example.com>',
  subject: 'Fix the checkout: no double charge (#42)',
  body: 'The retry resent the charge.\n\n"Quoted" text, a tab\there and a backslash \\ too.\nCo-authored-by: Someone <s@example.com>',
  date: '2026-12-07T16:00:00+01:00',
}

/** git's own trailer parser: `Key: value` per trailer, unfolded. */
function gitTrailers(message: string): Promise<[string, string][]> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', ['interpret-trailers', '--parse'], (error, stdout) => {
      if (error) return reject(new Error(error.message))
      resolve(
        stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => {
            const at = line.indexOf(': ')
            return [line.slice(0, at), line.slice(at + 2)]
          }),
      )
    })
    child.stdin!.end(message)
  })
}

function asRecord(pairs: [string, string][]): SourceCommit {
  const field: Record<string, keyof SourceCommit> = {
    repourl: 'repoUrl',
    sha: 'sha',
    author: 'author',
    subject: 'subject',
    body: 'body',
    date: 'date',
  }
  const out: Record<string, string> = {}
  for (const [key, value] of pairs) {
    const suffix = key.replace(/^Argocd-reference-commit-/, '')
    if (suffix === key) continue
    out[field[suffix]!] = suffix === 'body' ? (JSON.parse(value) as string) : value
  }
  return out
}

describe('reference trailers', () => {
  test('every field, in order, the body as one JSON line', () => {
    expect(referenceTrailers(FULL)).toEqual([
      'Argocd-reference-commit-repourl: https://github.com/acme/backend',
      `Argocd-reference-commit-sha: ${SHA}`,
      'Argocd-reference-commit-author: Ada Lovelace <ada@example.com>',
      'Argocd-reference-commit-subject: Fix the checkout: no double charge (#42)',
      `Argocd-reference-commit-body: ${JSON.stringify(FULL.body)}`,
      'Argocd-reference-commit-date: 2026-12-07T16:00:00+01:00',
    ])
  })

  test('git interpret-trailers --parse reads every field back exactly', async () => {
    const message = withReferenceTrailers('Deploy backend 1.4.2', FULL)
    expect(message.startsWith('Deploy backend 1.4.2\n\nArgocd-reference-commit-repourl: ')).toBe(true)
    expect(asRecord(await gitTrailers(message))).toEqual(FULL)
    expect(parseReferenceTrailers(message)).toEqual(FULL)
  })

  test('a custom multi-paragraph message keeps its text; trailers follow after a blank line', async () => {
    const custom = 'Deploy backend 1.4.2\n\nReleased by the train.\nSee the changelog.\n'
    const message = withReferenceTrailers(custom, FULL)
    expect(message.startsWith('Deploy backend 1.4.2\n\nReleased by the train.\nSee the changelog.\n\nArgocd-')).toBe(
      true,
    )
    expect(asRecord(await gitTrailers(message))).toEqual(FULL)
  })

  test('a message ending in its own trailers keeps them in the same block, so git still reads both', async () => {
    const message = withReferenceTrailers('Deploy\n\nCo-authored-by: Bob <bob@example.com>', { sha: SHA })
    expect(await gitTrailers(message)).toEqual([
      ['Co-authored-by', 'Bob <bob@example.com>'],
      ['Argocd-reference-commit-sha', SHA],
    ])
  })

  test('unknown fields are left out, never guessed; nothing known leaves the message alone', () => {
    expect(referenceTrailers({ sha: SHA, subject: '  ', body: '\n\n', author: undefined })).toEqual([
      `Argocd-reference-commit-sha: ${SHA}`,
    ])
    expect(referenceTrailers({ sha: 'not-a-sha', date: 'yesterday', subject: 'two\nlines' })).toEqual([])
    expect(withReferenceTrailers('Deploy backend 1\n', {})).toBe('Deploy backend 1')
  })

  test('a hand-written message has no reference; a malformed body or sha is dropped', () => {
    expect(parseReferenceTrailers('Bump backend by hand')).toEqual({})
    expect(
      parseReferenceTrailers(
        `x\n\nArgocd-reference-commit-body: not json\nArgocd-reference-commit-sha: 123\nArgocd-reference-commit-repourl: https://github.com/a/b`,
      ),
    ).toEqual({ repoUrl: 'https://github.com/a/b' })
    // Only the last paragraph holds trailers.
    expect(parseReferenceTrailers(`x\n\nArgocd-reference-commit-sha: ${SHA}\n\nsigned off`)).toEqual({})
  })

  test('property: any subject, body and author round-trip through git', async () => {
    const line = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s) && s.trim() !== '')
    await fc.assert(
      fc.asyncProperty(
        line,
        fc.string({ maxLength: 80 }),
        fc.stringMatching(/^[A-Za-z][A-Za-z .,'"\\-]{0,20}$/),
        async (subject, body, name) => {
          const source = {
            sha: SHA,
            subject,
            body,
            author: formatAuthor(name, 'dev@example.com'),
          }
          const message = withReferenceTrailers('Deploy', source)
          const expected = parseReferenceTrailers(message)
          expect(asRecord(await gitTrailers(message))).toEqual(expected)
          expect(expected.subject).toBe(subject.trim())
          expect(expected.body ?? '').toBe(body.replace(/^\s*\n/, '').replace(/\s+$/, ''))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('reading a deployed commit (the rollback guard)', () => {
  const SHA = 'a'.repeat(40)

  test('sha and repository URL of a CRLF message; a sha that is no commit id is no reference', () => {
    expect(
      parseReferenceTrailers(
        `Deploy\r\n\r\nArgocd-reference-commit-repourl: https://github.com/acme/api\r\nArgocd-reference-commit-sha: ${SHA}\r\n`,
      ),
    ).toEqual({ repoUrl: 'https://github.com/acme/api', sha: SHA })
    expect(parseReferenceTrailers('Deploy\n\nArgocd-reference-commit-sha: main').sha).toBeUndefined()
  })

  test('namesRepository compares https and .git forms, case-insensitively', () => {
    expect(namesRepository('https://github.com/Acme/API.git', 'https://github.com', 'acme/api')).toBe(true)
    expect(namesRepository('git@github.com:acme/api.git', 'https://github.com', 'acme/api')).toBe(true)
    expect(namesRepository('https://github.com/acme/other', 'https://github.com', 'acme/api')).toBe(false)
  })
})

describe('authors and messages', () => {
  test('names are quoted the way Go mail.Address writes them', () => {
    expect(formatAuthor('Ada Lovelace', 'ada@example.com')).toBe('Ada Lovelace <ada@example.com>')
    expect(formatAuthor('Lovelace, Ada', 'ada@example.com')).toBe('"Lovelace, Ada" <ada@example.com>')
    expect(formatAuthor('Ada "the first"', 'a@x')).toBe('"Ada \\"the first\\"" <a@x>')
    expect(formatAuthor('', 'a@x')).toBe('<a@x>')
    expect(formatAuthor('Ada', undefined)).toBeUndefined()
    expect(formatAuthor('Ada', '')).toBeUndefined()
  })

  test('subject is the first line, body what follows the blank line', () => {
    expect(splitMessage('Fix it\n\nBecause.\n\nMore.\n')).toEqual({ subject: 'Fix it', body: 'Because.\n\nMore.' })
    expect(splitMessage('Only a subject')).toEqual({ subject: 'Only a subject' })
    expect(splitMessage('')).toEqual({})
  })
})
