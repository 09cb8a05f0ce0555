// Which roots a bundle meets without a pinned file: one recorded in a transparency log goes to
// Sigstore's public-good root (here: a TUF mirror on loopback serving a world with a log), one
// without to GitHub's own instance's root as `gh attestation trusted-root` prints it (here: a
// stand-in gh). Each is loaded once, and only when a bundle needs it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { verifyBundle } from '../../src/attest/bundle.js'
import { trustRootsFor } from '../../src/attest/roots.js'
import { parseSignerWorkflow } from '../../src/attest/signer.js'
import { type AttestationSettings } from '../../src/attest/settings.js'
import { type TufSource, defaultTufSource } from '../../src/attest/trust.js'
import { type FakeGh, installFakeGh } from '../../test-support/sigstore/fake-gh.js'
import { type TufMirror, startTufMirror } from '../../test-support/sigstore/tuf-repo.js'
import { type SigstoreWorld, createSigstoreWorld } from '../../test-support/sigstore/world.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const BUILD = { repository: 'acme/api', workflow: '.github/workflows/build.yml@refs/heads/main' }
const GATE: AttestationSettings = {
  signer: parseSignerWorkflow('acme/api/.github/workflows/build.yml'),
  repository: 'acme/api',
  predicateType: 'https://slsa.dev/provenance/v1',
  token: 'ghs_0123456789abcdef',
}

let publicGood: SigstoreWorld
let github: SigstoreWorld
let mirror: TufMirror
let gh: FakeGh
let dir: string
let tuf: TufSource
const originalPath = process.env.PATH

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gda-roots-'))
  publicGood = await createSigstoreWorld({ transparencyLog: true })
  github = await createSigstoreWorld()
  mirror = await startTufMirror(publicGood.trustedRoot())
  gh = await installFakeGh(path.join(dir, 'bin'), [publicGood.trustedRoot(), github.trustedRoot()])
  process.env.PATH = `${gh.bin}${path.delimiter}${originalPath ?? ''}`
  tuf = { ...defaultTufSource({ RUNNER_TEMP: dir }), mirrorURL: mirror.url, rootPath: mirror.rootPath }
})

afterAll(async () => {
  process.env.PATH = originalPath
  await mirror?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('trustRootsFor', () => {
  test("a logged bundle meets the public-good root through TUF; an unlogged one GitHub's, through gh; each loaded once", async () => {
    const rootsFor = trustRootsFor(GATE, 'https://github.com', tuf)
    const logged = await publicGood.attest({ subjects: [DIGEST], identity: BUILD })
    const unlogged = await github.attest({ subjects: [DIGEST], identity: BUILD })

    expect(await gh.invocations()).toEqual([])
    expect(verifyBundle(logged, await rootsFor(logged)).root.name).toBe(
      `Sigstore's public-good root (TUF, ${mirror.url})`,
    )
    expect(await gh.invocations()).toEqual([])
    expect(verifyBundle(unlogged, await rootsFor(unlogged)).root.name).toBe('`gh attestation trusted-root` line 2')
    await rootsFor(unlogged)
    await rootsFor(logged)
    expect(await gh.invocations()).toEqual([
      { args: ['attestation', 'trusted-root'], host: 'github.com', hasToken: true },
    ])
    expect(mirror.requests.filter((request) => request === '/targets/trusted_root.json')).toHaveLength(1)
  })

  test('a pinned file serves every bundle, and neither TUF nor gh is asked', async () => {
    const file = path.join(dir, 'pinned.jsonl')
    await writeFile(file, `${JSON.stringify(github.trustedRoot())}\n`)
    const before = { gh: (await gh.invocations()).length, tuf: mirror.requests.length }
    const rootsFor = trustRootsFor(
      { ...GATE, trustedRoot: { path: file, input: 'pinned.jsonl' } },
      'https://github.com',
      tuf,
    )
    const unlogged = await github.attest({ subjects: [DIGEST], identity: BUILD })
    const logged = await publicGood.attest({ subjects: [DIGEST], identity: BUILD })
    expect(verifyBundle(unlogged, await rootsFor(unlogged)).root.name).toBe('pinned.jsonl')
    expect((await rootsFor(logged))[0]!.name).toBe('pinned.jsonl')
    expect({ gh: (await gh.invocations()).length, tuf: mirror.requests.length }).toEqual(before)
  })
})
