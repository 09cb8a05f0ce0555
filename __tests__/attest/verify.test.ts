// One bundle through Sigstore verification and the policy, against a Sigstore world of the test's
// own (test-support/sigstore): what passes, and the one reason each kind of bad attestation gets.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { verifyBundle } from '../../src/attest/bundle.js'
import { actionsIssuer, checkPolicy, type Expectations } from '../../src/attest/policy.js'
import { Rejection } from '../../src/attest/rejection.js'
import { parseSignerWorkflow } from '../../src/attest/signer.js'
import { type TrustRoot, loadTrustRoots } from '../../src/attest/trust.js'
import { type SigstoreWorld, createSigstoreWorld } from '../../test-support/sigstore/world.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const OTHER_DIGEST = `sha256:${'cd'.repeat(32)}`
const BUILD = { repository: 'acme/api', workflow: '.github/workflows/build.yml@refs/heads/main' }

let world: SigstoreWorld
let roots: TrustRoot[]
let dir: string

async function rootsFrom(json: unknown, name = 'trusted_root.json'): Promise<TrustRoot[]> {
  await writeFile(path.join(dir, name), typeof json === 'string' ? json : JSON.stringify(json))
  return loadTrustRoots({ trustedRoot: { path: path.join(dir, name), input: name } })
}

function expectations(overrides: Partial<Expectations> = {}): Expectations {
  return {
    digest: DIGEST,
    predicateType: 'https://slsa.dev/provenance/v1',
    signer: parseSignerWorkflow('acme/api/.github/workflows/build.yml'),
    repository: 'acme/api',
    serverUrl: 'https://github.com',
    ...overrides,
  }
}

function rejectionOf(work: () => unknown): Rejection {
  try {
    work()
  } catch (error) {
    if (error instanceof Rejection) return error
    throw error
  }
  throw new Error('expected a rejection')
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gda-attest-'))
  world = await createSigstoreWorld()
  roots = await rootsFrom(world.trustedRoot())
})

describe('a good attestation', () => {
  test('verifies and yields the provenance facts and the evidence', async () => {
    const bundle = await world.attest({ subjects: [DIGEST], identity: { ...BUILD, sha: 'f'.repeat(40) } })
    const verified = verifyBundle(bundle, roots)
    expect(verified.evidence.transparencyLog).toEqual([])
    expect(verified.evidence.timestamps).toHaveLength(1)
    expect(checkPolicy(verified.statement, verified.certificate, expectations())).toEqual({
      signerWorkflow: 'acme/api/.github/workflows/build.yml@refs/heads/main',
      sourceRepository: 'acme/api',
      sourceCommit: 'f'.repeat(40),
      sourceRef: 'refs/heads/main',
      runUrl: 'https://github.com/acme/api/actions/runs/77/attempts/1',
      predicateType: 'https://slsa.dev/provenance/v1',
    })
  })

  test('a statement about several images counts for each', async () => {
    const bundle = await world.attest({ subjects: [OTHER_DIGEST, DIGEST], identity: BUILD })
    const verified = verifyBundle(bundle, roots)
    expect(() => checkPolicy(verified.statement, verified.certificate, expectations())).not.toThrow()
  })

  test('a JSON Lines root file: any of its roots may vouch', async () => {
    const other = await createSigstoreWorld()
    const both = await rootsFrom(
      `${JSON.stringify(other.trustedRoot())}\n${JSON.stringify(world.trustedRoot())}\n`,
      'trusted_root.jsonl',
    )
    expect(both.map((root) => root.name)).toEqual(['trusted_root.jsonl line 1', 'trusted_root.jsonl line 2'])
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD })
    expect(verifyBundle(bundle, both).root.name).toBe('trusted_root.jsonl line 2')
  })
})

describe('Sigstore refuses', () => {
  test('a statement changed after signing', async () => {
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD, tamper: true })
    const rejection = rejectionOf(() => verifyBundle(bundle, roots))
    expect(rejection.kind).toBe('signature')
  })

  test('a certificate from another certificate authority', async () => {
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD, foreignCertificate: true })
    const rejection = rejectionOf(() => verifyBundle(bundle, roots))
    expect(rejection.kind).toBe('untrusted-chain')
    expect(rejection.message).toContain('does not chain to trusted_root.json')
  })

  test('a root whose certificate authority expired before the signature', async () => {
    const expired = await rootsFrom(world.trustedRoot({ caValidUntil: new Date(Date.now() - 30_000) }), 'expired.json')
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD })
    const rejection = rejectionOf(() => verifyBundle(bundle, expired))
    expect(rejection.kind).toBe('expired-root')
    expect(rejection.message).toMatch(
      /when no certificate authority of expired\.json was valid .*the trusted root is expired/,
    )
  })

  test('a timestamp from an authority the root does not name', async () => {
    const stranger = await createSigstoreWorld()
    const bundle = await stranger.attest({ subjects: [DIGEST], identity: BUILD })
    const rejection = rejectionOf(() => verifyBundle(bundle, roots))
    expect(rejection.kind).toBe('timestamp')
    expect(rejection.message).toContain('has no timestamp trusted_root.json can verify')
  })

  test('no signed timestamp where the root has no transparency log', async () => {
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD, noTimestamp: true })
    const rejection = rejectionOf(() => verifyBundle(bundle, roots))
    expect(rejection.kind).toBe('timestamp')
    expect(rejection.message).toContain('has no signed timestamp or transparency-log entry')
  })

  test('something that is not a bundle', () => {
    expect(rejectionOf(() => verifyBundle({ mediaType: 'nope' }, roots)).kind).toBe('malformed')
  })
})

describe('a root with a transparency log, as the public-good instance has', () => {
  let logged: SigstoreWorld
  let logRoots: TrustRoot[]

  beforeAll(async () => {
    logged = await createSigstoreWorld({ transparencyLog: true })
    logRoots = await rootsFrom(logged.trustedRoot(), 'public_good.json')
  })

  test('asks for a log entry, and a bundle recorded in the log verifies with it as evidence', async () => {
    expect(logRoots[0]!.thresholds).toEqual({ tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1 })
    const verified = verifyBundle(await logged.attest({ subjects: [DIGEST], identity: BUILD }), logRoots)
    expect(verified.evidence.transparencyLog).toEqual([
      { logIndex: expect.stringMatching(/^\d+$/), integratedTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ])
    expect(() => checkPolicy(verified.statement, verified.certificate, expectations())).not.toThrow()
  })

  test('refuses a bundle that was never recorded in the log, even with a signed timestamp', async () => {
    const bundle = await logged.attest({ subjects: [DIGEST], identity: BUILD, noTransparencyLog: true })
    const rejection = rejectionOf(() => verifyBundle(bundle, logRoots))
    expect(rejection.kind).toBe('transparency-log')
    expect(rejection.message).toBe('has no transparency-log entry, which public_good.json requires')
  })

  test('refuses a statement changed after it was logged', async () => {
    const bundle = await logged.attest({ subjects: [DIGEST], identity: BUILD, tamper: true })
    const rejection = rejectionOf(() => verifyBundle(bundle, logRoots))
    expect(rejection.kind).toBe('transparency-log')
    expect(rejection.message).toContain(
      'has a transparency-log entry public_good.json does not confirm (DSSE payload hash mismatch',
    )
  })
})

describe('the policy refuses', () => {
  async function policyRejection(
    options: Parameters<SigstoreWorld['attest']>[0],
    expected = expectations(),
  ): Promise<Rejection> {
    const verified = verifyBundle(await world.attest(options), roots)
    return rejectionOf(() => checkPolicy(verified.statement, verified.certificate, expected))
  }

  test('a valid attestation of another digest', async () => {
    const rejection = await policyRejection({ subjects: [OTHER_DIGEST], identity: BUILD })
    expect(rejection.kind).toBe('subject')
    expect(rejection.message).toBe(`is about ${OTHER_DIGEST}, not ${DIGEST}: it attests another image`)
  })

  test('another workflow of the same repository', async () => {
    const rejection = await policyRejection({
      subjects: [DIGEST],
      identity: { ...BUILD, workflow: '.github/workflows/hotfix.yml@refs/heads/main' },
    })
    expect(rejection.kind).toBe('signer')
    expect(rejection.message).toBe(
      'was signed by the workflow acme/api/.github/workflows/hotfix.yml@refs/heads/main, not by acme/api/.github/workflows/build.yml (any ref) (attestation-signer)',
    )
  })

  test('the expected workflow at a ref the signer input does not allow', async () => {
    const rejection = await policyRejection(
      { subjects: [DIGEST], identity: { ...BUILD, workflow: '.github/workflows/build.yml@refs/heads/feature' } },
      expectations({ signer: parseSignerWorkflow('acme/api/.github/workflows/build.yml@refs/tags/v*') }),
    )
    expect(rejection.kind).toBe('signer')
  })

  test('another predicate type', async () => {
    const rejection = await policyRejection({
      subjects: [DIGEST],
      identity: BUILD,
      predicateType: 'https://spdx.dev/Document/v2.3',
    })
    expect(rejection.kind).toBe('predicate-type')
  })

  test('an identity from another OIDC issuer', async () => {
    const rejection = await policyRejection({
      subjects: [DIGEST],
      identity: { ...BUILD, issuer: 'https://accounts.google.com' },
    })
    expect(rejection.kind).toBe('issuer')
    expect(rejection.message).toContain('the OIDC issuer https://accounts.google.com')
  })

  test('a build of another repository through the expected reusable workflow', async () => {
    const rejection = await policyRejection(
      {
        subjects: [DIGEST],
        identity: { repository: 'mallory/fork', workflowRepository: 'acme/builder', workflow: BUILD.workflow },
      },
      expectations({ signer: parseSignerWorkflow('acme/builder/.github/workflows/build.yml') }),
    )
    expect(rejection.kind).toBe('source-repository')
    expect(rejection.message).toBe(
      'was built from https://github.com/mallory/fork, not from https://github.com/acme/api (attestation-repository)',
    )
  })
})

describe('the OIDC issuer of each GitHub', () => {
  test.each([
    ['https://github.com', 'https://token.actions.githubusercontent.com'],
    ['https://octo.ghe.com', 'https://token.actions.octo.ghe.com'],
    ['https://github.acme.internal', 'https://github.acme.internal/_services/token'],
  ])('%s', (server, issuer) => {
    expect(actionsIssuer(server)).toBe(issuer)
  })
})
