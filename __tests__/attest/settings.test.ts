// The gate's inputs: `attestation-signer` parsed into a workflow and ref pattern, its companions
// refused without it, and every mistake named with the input and what to write instead.
import { afterEach, describe, expect, test } from '@jest/globals'
import * as path from 'node:path'
import { readAttestationInputs } from '../../src/attest/settings.js'
import { matchesSigner, parseSignerWorkflow } from '../../src/attest/signer.js'

const INPUTS = [
  'attestation-signer',
  'attestation-repository',
  'attestation-predicate-type',
  'attestation-trusted-root',
  'source-token',
]
const RUN = { repository: 'acme/api', workspace: '/work/space' }
const GH = 'https://github.com'

function setInputs(inputs: Record<string, string>): void {
  for (const name of INPUTS) delete process.env[`INPUT_${name.toUpperCase()}`]
  for (const [name, value] of Object.entries({ 'source-token': 'ghs_0123456789abcdef', ...inputs })) {
    process.env[`INPUT_${name.toUpperCase()}`] = value
  }
}

afterEach(() => setInputs({}))

describe('attestation-signer', () => {
  test.each([
    ['acme/api/.github/workflows/build.yml', { repository: 'acme/api', path: '.github/workflows/build.yml' }],
    [
      'Acme/API/.github/workflows/build.yaml@refs/heads/main',
      { repository: 'acme/api', path: '.github/workflows/build.yaml', ref: 'refs/heads/main' },
    ],
    [
      'https://github.com/acme/builder/.github/workflows/image.yml@refs/tags/v*',
      { repository: 'acme/builder', path: '.github/workflows/image.yml', ref: 'refs/tags/v*' },
    ],
    ['acme/api/.github/workflows/build.yml@*', { repository: 'acme/api', path: '.github/workflows/build.yml' }],
  ])('%s', (input, expected) => {
    expect(parseSignerWorkflow(input)).toEqual({ ...expected, text: input })
  })

  test.each([
    ['acme/api', /is not a workflow: write OWNER\/REPO\/\.github\/workflows\/FILE\.yml/],
    ['acme/api/build.yml', /is not a workflow/],
    ['acme/api/.github/workflows/sub/build.yml', /is not a workflow/],
    ['acme/api/.github/workflows/build.yml@main', /names the ref "main": give a full ref \(refs\/heads\/main/],
    ['acme/api/.github/workflows/build.yml@', /names the ref ""/],
  ])('%s is refused', (input, message) => {
    expect(() => parseSignerWorkflow(input)).toThrow(message)
  })

  const signer = (text: string) => parseSignerWorkflow(text)
  test.each([
    ['acme/api/.github/workflows/build.yml', `${GH}/acme/api/.github/workflows/build.yml@refs/heads/dev`, true],
    ['acme/api/.github/workflows/build.yml', `${GH}/ACME/Api/.github/workflows/build.yml@refs/heads/dev`, true],
    ['acme/api/.github/workflows/build.yml', `${GH}/acme/api/.github/workflows/Build.yml@refs/heads/dev`, false],
    ['acme/api/.github/workflows/build.yml', `${GH}/acme/api/.github/workflows/build.yml.bak@refs/heads/x`, false],
    ['acme/api/.github/workflows/build.yml', `${GH}/acme/api-fork/.github/workflows/build.yml@refs/heads/x`, false],
    [
      'acme/api/.github/workflows/build.yml',
      `https://evil.example/acme/api/.github/workflows/build.yml@refs/heads/x`,
      false,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/heads/main',
      `${GH}/acme/api/.github/workflows/build.yml@refs/heads/main`,
      true,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/heads/main',
      `${GH}/acme/api/.github/workflows/build.yml@refs/heads/main2`,
      false,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/tags/v*',
      `${GH}/acme/api/.github/workflows/build.yml@refs/tags/v1.2.3`,
      true,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/tags/v*',
      `${GH}/acme/api/.github/workflows/build.yml@refs/heads/v1`,
      false,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/heads/release/*',
      `${GH}/acme/api/.github/workflows/build.yml@refs/heads/release/2.x`,
      true,
    ],
    [
      'acme/api/.github/workflows/build.yml@refs/heads/r.1',
      `${GH}/acme/api/.github/workflows/build.yml@refs/heads/rx1`,
      false,
    ],
  ])('%s vs %s → %s', (input, uri, matches) => {
    expect(matchesSigner(signer(input), uri, GH)).toBe(matches)
  })
})

describe('readAttestationInputs', () => {
  test('no signer: no gate', () => {
    setInputs({})
    expect(readAttestationInputs(RUN)).toEqual({})
  })

  test("no signer, and action.yml's default predicate type as the runner passes it: no gate", () => {
    setInputs({ 'attestation-predicate-type': 'https://slsa.dev/provenance/v1' })
    expect(readAttestationInputs(RUN)).toEqual({})
  })

  test('the defaults: the workflow repository, SLSA provenance v1, the TUF root', () => {
    setInputs({ 'attestation-signer': 'acme/api/.github/workflows/build.yml' })
    expect(readAttestationInputs(RUN)).toEqual({
      attestation: {
        signer: parseSignerWorkflow('acme/api/.github/workflows/build.yml'),
        repository: 'acme/api',
        predicateType: 'https://slsa.dev/provenance/v1',
        token: 'ghs_0123456789abcdef',
      },
    })
  })

  test('every input given', () => {
    setInputs({
      'attestation-signer': 'acme/builder/.github/workflows/image.yml@refs/heads/main',
      'attestation-repository': 'acme/backend',
      'attestation-predicate-type': 'https://in-toto.io/attestation/release/v0.1',
      'attestation-trusted-root': 'sigstore/trusted_root.jsonl',
    })
    expect(readAttestationInputs(RUN).attestation).toMatchObject({
      repository: 'acme/backend',
      predicateType: 'https://in-toto.io/attestation/release/v0.1',
      trustedRoot: {
        path: path.resolve('/work/space/sigstore/trusted_root.jsonl'),
        input: 'sigstore/trusted_root.jsonl',
      },
    })
  })

  test.each([
    [
      { 'attestation-repository': 'acme/backend' },
      "Input 'attestation-repository': only applies to the build-provenance gate",
    ],
    [
      { 'attestation-trusted-root': 'root.json' },
      "Input 'attestation-trusted-root': only applies to the build-provenance gate",
    ],
    [
      { 'attestation-predicate-type': 'https://spdx.dev/Document' },
      "Input 'attestation-predicate-type': only applies to the build-provenance gate",
    ],
    [{ 'attestation-signer': 'acme/api' }, 'Input \'attestation-signer\': "acme/api" is not a workflow'],
    [
      { 'attestation-signer': 'acme/api/.github/workflows/b.yml', 'attestation-repository': 'backend' },
      'Input \'attestation-repository\': "backend" must be "owner/name".',
    ],
    [
      { 'attestation-signer': 'acme/api/.github/workflows/b.yml', 'attestation-predicate-type': 'provenance' },
      'Input \'attestation-predicate-type\': "provenance" is not a predicate type URI',
    ],
    [
      { 'attestation-signer': 'acme/api/.github/workflows/b.yml', 'attestation-trusted-root': '/etc/root.json' },
      'Input \'attestation-trusted-root\': "/etc/root.json" must be relative to GITHUB_WORKSPACE',
    ],
    [
      { 'attestation-signer': 'acme/api/.github/workflows/b.yml', 'attestation-trusted-root': '../root.json' },
      'Input \'attestation-trusted-root\': "../root.json" points outside GITHUB_WORKSPACE.',
    ],
    [
      { 'attestation-signer': 'acme/api/.github/workflows/b.yml', 'source-token': '' },
      "Input 'source-token': is empty; reading the attestations of acme/api needs a token with `attestations: read`",
    ],
  ])('%j is refused', (inputs, message) => {
    setInputs(inputs)
    expect(() => readAttestationInputs(RUN)).toThrow(message)
  })
})
