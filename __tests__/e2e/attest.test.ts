// End to end through dist/index.js: the build-provenance gate against the GitHub stand-in's
// attestations endpoint serving real Sigstore bundles from the tests' own Sigstore (mock CA with
// GitHub Actions' certificate extensions, mock TSA, a trusted_root.json naming them). A good
// attestation lets the pin land; each kind of bad one stops the run with nothing written:
// no GitOps write, and with `source: registry` no registry write either.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import type { ActionRun } from '../../test-support/action-runner.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'
import { type AttestOptions, type SigstoreWorld, createSigstoreWorld } from '../../test-support/sigstore/world.js'
import { installFakeGh } from '../../test-support/sigstore/fake-gh.js'

const SIGNER = 'acme/backend/.github/workflows/build.yml'
const BUILD = {
  repository: 'acme/backend',
  workflow: '.github/workflows/build.yml@refs/heads/main',
  sha: 'c'.repeat(40),
}
const OTHER_DIGEST = `sha256:${'0f'.repeat(32)}`

const manifest = (reference: string): string => singleContainer('api', reference)

const stack = useStack({
  seed: (stack) => ({
    'apps/api/deployment.yaml': manifest(`${stack.repository('acme/api')}:0.9.0`),
    'fleet/api.yaml': manifest(`${stack.repository('acme/api')}:0.9.0`),
    'fleet/web.yaml': manifest(`${stack.repository('acme/web')}:0.9.0`),
  }),
})
let world: SigstoreWorld
let image: string
let digest: string

/** A job of acme/backend on github.com whose deploy step gates on the build workflow's provenance. */
function run(overrides: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return stack.run(
    {
      manifests: 'apps/api/deployment.yaml',
      mode: 'push',
      'attestation-signer': SIGNER,
      'attestation-trusted-root': 'sigstore/trusted_root.json',
      ...overrides,
    },
    { GITHUB_SERVER_URL: 'https://github.com', ...env },
  )
}

async function attestations(...bundles: Promise<Record<string, unknown>>[]): Promise<void> {
  stack.github.attestations.clear()
  for (const bundle of await Promise.all(bundles)) stack.github.attestations.add('acme/backend', digest, bundle)
}

function attest(options: Partial<AttestOptions> = {}): Promise<Record<string, unknown>> {
  return world.attest({
    subjects: [digest],
    identity: BUILD,
    subjectName: image.split(':').slice(0, -1).join(':'),
    ...options,
  })
}

function registryWrites(): number {
  return stack.registry.requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH').length
}

/** Runs with `source: registry`, expects one error containing `message`, and that nothing was written anywhere. */
async function expectRefused(message: string | RegExp, overrides: Record<string, string> = {}): Promise<ActionRun> {
  const head = await stack.github.headSha('main')
  const writes = registryWrites()
  stack.github.resetRequests()
  const result = await run({ image, source: 'registry', ...overrides })
  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  if (typeof message === 'string') expect(result.errors[0]).toContain(message)
  else expect(result.errors[0]).toMatch(message)
  expect(result.errors[0]).toContain('actions/attest-build-provenance')
  expect(await stack.github.headSha('main')).toBe(head)
  expect(registryWrites()).toBe(writes)
  expect(stack.github.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')).toEqual([])
  expect(stack.github.pulls()).toEqual([])
  expect(result.outputs.attestation).toBeUndefined()
  expect(stack.leakedSecrets(result)).toEqual([])
  return result
}

beforeAll(async () => {
  world = await createSigstoreWorld()
  await mkdir(path.join(stack.workspace, 'sigstore'))
  await writeFile(path.join(stack.workspace, 'sigstore/trusted_root.json'), JSON.stringify(world.trustedRoot()))
  await writeFile(
    path.join(stack.workspace, 'sigstore/expired_root.json'),
    JSON.stringify(world.trustedRoot({ caValidUntil: new Date(Date.now() - 30_000) })),
  )
  image = `${stack.repository('acme/api')}:1.0.0`
})

describe('an image with a valid attestation', () => {
  test('is pushed, its provenance verified, and the pin lands; the output says what vouched for it', async () => {
    const { source, entries } = await stack.layout('layouts/api-1.0.0', [
      { layers: [{ size: 4096, seed: 190 }], refName: '1.0.0' },
    ])
    digest = entries[0]!.digest
    await attestations(attest())

    const result = await run({ image, source })

    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toBe(manifest(`${image}@${digest}`))
    expect(result.log).toContain(
      `build provenance verified: signed by ${SIGNER}@refs/heads/main, built from acme/backend@${'c'.repeat(40)} (signed timestamp `,
    )
    const [attested] = JSON.parse(result.outputs.attestation!) as Record<string, unknown>[]
    expect(attested).toEqual({
      image,
      digest,
      'signer-workflow': `${SIGNER}@refs/heads/main`,
      'source-repository': 'acme/backend',
      'source-commit': 'c'.repeat(40),
      'source-ref': 'refs/heads/main',
      'predicate-type': 'https://slsa.dev/provenance/v1',
      'run-url': 'https://github.com/acme/backend/actions/runs/77/attempts/1',
      'transparency-log': [],
      timestamps: [expect.stringMatching(/^\d{4}-\d\d-\d\dT/)],
      'trusted-root': 'sigstore/trusted_root.json',
    })
    expect(stack.github.requests.filter((r) => r.path.includes('/attestations/'))).toEqual([
      expect.objectContaining({ method: 'GET', path: `/repos/acme/backend/attestations/${digest}`, status: 200 }),
    ])
    expect(stack.leakedSecrets(result)).toEqual([])
  })

  test('one good attestation among bad ones is enough, and the signer ref may be a glob', async () => {
    await attestations(attest({ subjects: [OTHER_DIGEST] }), attest({ tamper: true }), attest())
    const result = await run({ image, source: 'registry', 'attestation-signer': `${SIGNER}@refs/heads/*` })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.attestation!)[0]['signer-workflow']).toBe(`${SIGNER}@refs/heads/main`)
  })
})

describe("a private repository's attestation (GitHub's own Sigstore instance) without a pinned root", () => {
  test("GitHub's root comes from `gh attestation trusted-root`, and the pin lands", async () => {
    const stranger = await createSigstoreWorld()
    // gh prints Sigstore's public-good root first, then GitHub's: here another world's, then ours.
    const gh = await installFakeGh(path.join(stack.workspace, '.bin-gh'), [stranger.trustedRoot(), world.trustedRoot()])
    await attestations(attest({ identity: { ...BUILD, sha: 'd'.repeat(40) } }))
    const result = await run(
      { image, source: 'registry', 'attestation-trusted-root': '' },
      { PATH: `${gh.bin}${path.delimiter}${process.env.PATH ?? ''}` },
    )
    expect(result.errors).toEqual([])
    expect(JSON.parse(result.outputs.attestation!)[0]).toMatchObject({
      'source-commit': 'd'.repeat(40),
      'trusted-root': '`gh attestation trusted-root` line 2',
    })
    expect(await gh.invocations()).toEqual([
      { args: ['attestation', 'trusted-root'], host: 'github.com', hasToken: true },
    ])
  })

  test('no GitHub CLI on the runner: refused, saying to install it or pin the roots', async () => {
    const empty = path.join(stack.workspace, '.bin-empty')
    await mkdir(empty, { recursive: true })
    await attestations(attest())
    const head = await stack.github.headSha('main')
    const result = await run({ image, source: 'registry', 'attestation-trusted-root': '' }, { PATH: empty })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^The attestation has no transparency-log entry: GitHub's own Sigstore instance signed it \(a private or internal repository\), and the action reads that instance's root with `gh attestation trusted-root`, but the GitHub CLI could not be run \(.*gh.*\)\. Install gh on the runner\. Or write the roots in an earlier step/,
    )
    expect(await stack.github.headSha('main')).toBe(head)
  })
})

describe('refused, with nothing written (source: registry: not even the registry is written)', () => {
  test('no attestation for the digest', async () => {
    stack.github.attestations.clear()
    const result = await expectRefused(
      `${image} (${digest}) has no attestation in acme/backend, so nothing proves it was built by ${SIGNER}. ` +
        `Attest the image in ${SIGNER}, after the push: \`uses: actions/attest-build-provenance@v3\` with \`subject-name: ${stack.repository('acme/api')}\``,
    )
    expect(result.errors[0]).toContain('`push-to-registry: true`')
  })

  test('a valid attestation of another digest', async () => {
    await attestations(attest({ subjects: [OTHER_DIGEST] }))
    await expectRefused(
      `${image} (${digest}) is refused: its attestation in acme/backend is about ${OTHER_DIGEST}, not ${digest}: it attests another image.`,
    )
  })

  test('signed by another workflow of the same repository', async () => {
    await attestations(attest({ identity: { ...BUILD, workflow: '.github/workflows/hotfix.yml@refs/heads/main' } }))
    await expectRefused(
      `its attestation in acme/backend was signed by the workflow acme/backend/.github/workflows/hotfix.yml@refs/heads/main, not by ${SIGNER}@refs/tags/v* (attestation-signer).`,
      { 'attestation-signer': `${SIGNER}@refs/tags/v*` },
    )
  })

  test('the expected workflow, but run from a ref the input does not allow', async () => {
    await attestations(attest())
    await expectRefused(
      `was signed by the workflow ${SIGNER}@refs/heads/main, not by ${SIGNER}@refs/tags/v* (attestation-signer)`,
      { 'attestation-signer': `${SIGNER}@refs/tags/v*` },
    )
  })

  test('a statement changed after signing', async () => {
    await attestations(attest({ tamper: true }))
    await expectRefused('its attestation in acme/backend has a signature that does not match its content')
  })

  test('a certificate that does not chain to the trusted root', async () => {
    await attestations(attest({ foreignCertificate: true }))
    await expectRefused(
      'its attestation in acme/backend has a signing certificate that does not chain to sigstore/trusted_root.json',
    )
  })

  test('a trusted root whose certificate authority had expired when the attestation was signed', async () => {
    await attestations(attest())
    await expectRefused(
      /when no certificate authority of sigstore\/expired_root\.json was valid \(.*\): the trusted root is expired/,
      {
        'attestation-trusted-root': 'sigstore/expired_root.json',
      },
    )
  })

  test('no signed timestamp, which a root without a transparency log requires', async () => {
    await attestations(attest({ noTimestamp: true }))
    await expectRefused(
      'has no signed timestamp or transparency-log entry, so nothing proves when it was signed; sigstore/trusted_root.json needs one',
    )
  })

  test('another predicate type', async () => {
    await attestations(attest({ predicateType: 'https://spdx.dev/Document/v2.3' }))
    await expectRefused(
      'has the predicate type https://spdx.dev/Document/v2.3, not https://slsa.dev/provenance/v1 (attestation-predicate-type)',
    )
  })

  test('an identity from another OIDC issuer', async () => {
    await attestations(attest({ identity: { ...BUILD, issuer: 'https://oauth2.sigstore.dev/auth' } }))
    await expectRefused(
      'was signed with an identity from the OIDC issuer https://oauth2.sigstore.dev/auth, not GitHub Actions (https://token.actions.githubusercontent.com)',
    )
  })

  test('a build of another repository through the expected reusable workflow', async () => {
    await attestations(
      attest({
        identity: { repository: 'mallory/backend', workflowRepository: 'acme/backend', workflow: BUILD.workflow },
      }),
    )
    await expectRefused(
      'was built from https://github.com/mallory/backend, not from https://github.com/acme/backend (attestation-repository)',
    )
  })

  test('several attestations, none good: each reason, numbered', async () => {
    await attestations(attest({ subjects: [OTHER_DIGEST] }), attest({ predicateType: 'https://example.com/custom' }))
    await expectRefused(
      `is refused: none of its 2 attestations in acme/backend vouches for it: attestation 1 is about ${OTHER_DIGEST}, not ${digest}: it attests another image; ` +
        'attestation 2 has the predicate type https://example.com/custom, not https://slsa.dev/provenance/v1 (attestation-predicate-type).',
    )
  })

  test('a token without attestations: read', async () => {
    await attestations(attest())
    stack.github.injectFault({
      path: /\/attestations\//,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    })
    const result = await run({ image, source: 'registry' })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      `Could not read the attestations of ${digest} in acme/backend: GitHub answered 403 (Resource not accessible by integration). ` +
        'The token in `source-token` needs `attestations: read` on acme/backend: add `permissions: attestations: read` (with `contents: read`) to the job, or pass a token that has it.',
    ])
    stack.github.clearFaults()
  })
})

describe('a multi-platform image', () => {
  let index: { digest: string; children?: { digest: string; platform?: { os: string; architecture: string } }[] }
  let source: string
  const multi = (): string => `${stack.repository('acme/api')}:2.0.0`

  beforeAll(async () => {
    const layout = await stack.layout('layouts/api-2.0.0', [], {
      multiPlatform: {
        refName: '2.0.0',
        images: [
          { layers: [{ size: 2000, seed: 191 }], platform: { os: 'linux', architecture: 'amd64' } },
          { layers: [{ size: 2000, seed: 192 }], platform: { os: 'linux', architecture: 'arm64' } },
        ],
      },
    })
    index = layout.entries[0]!
    source = layout.source
  })

  test('attestations of its platform images only: refused, naming them and saying the index digest must be attested', async () => {
    stack.github.attestations.clear()
    for (const child of index.children!) {
      stack.github.attestations.add(
        'acme/backend',
        child.digest,
        await world.attest({ subjects: [child.digest], identity: BUILD }),
      )
    }
    const head = await stack.github.headSha('main')
    const result = await run({ image: multi(), source })
    expect(result.exitCode).toBe(1)
    const [amd64, arm64] = index.children!.map((child) => child.digest)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(
      `(${index.digest}) has no attestation in acme/backend, so nothing proves it was built by ${SIGNER}. ` +
        `It is a multi-platform image, and only its platform images have attestations (linux/amd64 ${amd64}, linux/arm64 ${arm64}): ` +
        "the attestation must name the index digest (what the registry serves for the tag, docker/build-push-action's `digest` output), not the digests of its platform images.",
    )
    expect(await stack.github.headSha('main')).toBe(head)
  })

  test('an attestation of the index digest: the pin of the index lands', async () => {
    stack.github.attestations.clear()
    stack.github.attestations.add(
      'acme/backend',
      index.digest,
      await world.attest({ subjects: [index.digest], identity: BUILD }),
    )
    const result = await run({ image: multi(), source: 'registry' })
    expect(result.errors).toEqual([])
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toBe(manifest(`${multi()}@${index.digest}`))
    expect(JSON.parse(result.outputs.attestation!)[0].digest).toBe(index.digest)
  })
})

describe('a root with a transparency log, as the public-good instance has', () => {
  let logged: SigstoreWorld

  beforeAll(async () => {
    logged = await createSigstoreWorld({ transparencyLog: true })
    await writeFile(path.join(stack.workspace, 'sigstore/public_good.json'), JSON.stringify(logged.trustedRoot()))
  })

  test('an attestation recorded in the log passes, with its log entry in the output', async () => {
    await attestations(logged.attest({ subjects: [digest], identity: BUILD }))
    const result = await run({ image, source: 'registry', 'attestation-trusted-root': 'sigstore/public_good.json' })
    expect(result.errors).toEqual([])
    const [attested] = JSON.parse(result.outputs.attestation!) as Record<string, unknown>[]
    expect(attested!['transparency-log']).toEqual([
      { 'log-index': expect.stringMatching(/^\d+$/), 'integrated-time': expect.stringMatching(/^\d{4}-/) },
    ])
    expect(result.log).toMatch(/build provenance verified: .*\(transparency-log entry \d+ at /)
  })

  test('refused: an attestation never recorded in the log the root requires', async () => {
    await attestations(logged.attest({ subjects: [digest], identity: BUILD, noTransparencyLog: true }))
    await expectRefused(
      'its attestation in acme/backend has no transparency-log entry, which sigstore/public_good.json requires.',
      {
        'attestation-trusted-root': 'sigstore/public_good.json',
      },
    )
  })
})

describe('several images in one run', () => {
  test('each needs its own attestation: one missing stops the run before the commit; with both, one commit pins both', async () => {
    const { source, entries } = await stack.layout('layouts/fleet', [
      { layers: [{ size: 1024, seed: 195 }], refName: '5.0.0' },
      { layers: [{ size: 1024, seed: 196 }], refName: '6.0.0' },
    ])
    const [api, web] = entries.map((entry) => entry.digest) as [string, string]
    const images = `${stack.repository('acme/api')}:5.0.0\n${stack.repository('acme/web')}:6.0.0`
    stack.github.attestations.clear()
    stack.github.attestations.add('acme/backend', api, await world.attest({ subjects: [api], identity: BUILD }))
    const head = await stack.github.headSha('main')

    const refused = await run({ image: images, source, manifests: 'fleet/' })
    expect(refused.exitCode).toBe(1)
    expect(refused.errors).toHaveLength(1)
    expect(refused.errors[0]).toContain(
      `${stack.repository('acme/web')}:6.0.0 (${web}) has no attestation in acme/backend`,
    )
    expect(await stack.github.headSha('main')).toBe(head)

    stack.github.attestations.add('acme/backend', web, await world.attest({ subjects: [web], identity: BUILD }))
    const result = await run({ image: images, source: 'registry', manifests: 'fleet/' })
    expect(result.errors).toEqual([])
    const commits = await stack.github.commits('main')
    expect(commits[0]!.parents).toEqual([head])
    expect(await stack.github.readFile('main', 'fleet/web.yaml')).toBe(
      manifest(`${stack.repository('acme/web')}:6.0.0@${web}`),
    )
    expect(JSON.parse(result.outputs.attestation!).map((a: { digest: string }) => a.digest)).toEqual([api, web])
  })
})
