import { describe, expect, test } from '@jest/globals'
import { namesRepository, parseTrailers, sourceReference } from '../../src/rollback/trailers.js'

const SHA = 'a'.repeat(40)

describe('parseTrailers', () => {
  test('the last paragraph of Key: value lines, continuation lines folded, keys lower-cased', () => {
    const message = `Deploy api 1.2.3\n\nBody text: not a trailer block\n\nArgocd-reference-commit-sha: ${SHA}\nArgocd-reference-commit-subject: Fix the\n  login page\nSigned-off-by: A <a@example.com>\n`
    const trailers = parseTrailers(message)
    expect(trailers.get('argocd-reference-commit-sha')).toEqual([SHA])
    expect(trailers.get('argocd-reference-commit-subject')).toEqual(['Fix the login page'])
    expect(trailers.get('signed-off-by')).toEqual(['A <a@example.com>'])
    expect(trailers.has('body text')).toBe(false)
  })

  test('no trailers: a subject alone, or a last paragraph that is prose', () => {
    expect(parseTrailers(`Argocd-reference-commit-sha: ${SHA}`).size).toBe(0)
    expect(parseTrailers(`Deploy\n\nThis deploys ${SHA}.\nArgocd-reference-commit-sha: ${SHA}`).size).toBe(0)
  })
})

describe('sourceReference', () => {
  test('sha and repository URL; CRLF messages too', () => {
    expect(
      sourceReference(
        `Deploy\r\n\r\nArgocd-reference-commit-repourl: https://github.com/acme/api\r\nArgocd-reference-commit-sha: ${SHA.toUpperCase()}\r\n`,
      ),
    ).toEqual({ sha: SHA, repoUrl: 'https://github.com/acme/api' })
  })

  test('a sha that is not 40 hex is no reference', () => {
    expect(sourceReference('Deploy\n\nArgocd-reference-commit-sha: main')).toBeUndefined()
    expect(sourceReference('Deploy\n\nOther: x')).toBeUndefined()
  })
})

test('namesRepository compares https and .git forms, case-insensitively', () => {
  expect(namesRepository('https://github.com/Acme/API.git', 'https://github.com', 'acme/api')).toBe(true)
  expect(namesRepository('git@github.com:acme/api.git', 'https://github.com', 'acme/api')).toBe(true)
  expect(namesRepository('https://github.com/acme/other', 'https://github.com', 'acme/api')).toBe(false)
})
