// What may reach the job log: the action's own commands pass, nothing else can start one.
import { describe, expect, test } from '@jest/globals'
import { guardText } from '../../src/log-guard.js'

const scrub = (text: string) => text.replace(/hunter2-secret/g, '***')

describe('guardText', () => {
  test("the action's own commands pass; the mask command unscrubbed, others scrubbed", () => {
    expect(guardText('::add-mask::hunter2-secret\n', scrub)).toBe('::add-mask::hunter2-secret\n')
    expect(guardText('::error::failed%0A::warning::x hunter2-secret\n', scrub)).toBe(
      '::error::failed%0A::warning::x ***\n',
    )
    expect(guardText('::group::Publish the images\n', scrub)).toBe('::group::Publish the images\n')
    expect(guardText('::warning file=a.yaml,line=3::odd\n', scrub)).toBe('::warning file=a.yaml,line=3::odd\n')
  })

  test('log text cannot start a command on any line, CR included', () => {
    expect(guardText('Argo CD said: no\n::warning::pwned\r  ::add-mask::x\r\n##[set-output name=a;]b\n', scrub)).toBe(
      'Argo CD said: no\n%3A%3Awarning::pwned\r  %3A%3Aadd-mask::x\r\n##%5Bset-output name=a;]b\n',
    )
    // A multi-line write is never one of ours, even when it starts like one.
    expect(guardText('::add-mask::x\n::warning::y\n', scrub)).toBe('%3A%3Aadd-mask::x\n%3A%3Awarning::y\n')
    expect(guardText('plain text with hunter2-secret\n', scrub)).toBe('plain text with ***\n')
  })
})

describe('scrubCredentials', () => {
  test('Basic and Bearer values and GitHub token shapes are scrubbed', async () => {
    const { scrubCredentials } = await import('../../src/secrets.js')
    expect(
      scrubCredentials(
        `Authorization: Basic b2F1dGgyYWNjZXNzdG9rZW46eWEyOQ== and bearer abc.def.ghi-123 ghs_${'x'.repeat(36)}`,
      ),
    ).toBe('Authorization: Basic *** and bearer *** ***')
    expect(scrubCredentials('Basic auth is required')).toBe('Basic auth is required')
  })
})
