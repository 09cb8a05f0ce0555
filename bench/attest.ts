// The build-provenance gate: what `attestation-signer` adds to a run. The same dry run
// (`source: registry`, one image) with and without the gate, interleaved, medians compared; the
// gate reads the attestations from the GitHub stand-in and verifies a Sigstore bundle from the
// tests' own Sigstore against a pinned trusted root. Also the verification of one bundle in-process.
import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { runAction } from '../test-support/action-runner.js'
import { createSigstoreWorld } from '../test-support/sigstore/world.js'
import { startStack } from '../test-support/stack.js'
import { verifyBundle } from '../src/attest/bundle.js'
import { checkPolicy } from '../src/attest/policy.js'
import { parseSignerWorkflow } from '../src/attest/signer.js'
import { loadTrustRoots } from '../src/attest/trust.js'

export interface AttestBench {
  readonly withoutMs: number
  readonly withMs: number
  readonly runs: number
  /** verifyBundle + checkPolicy of one bundle, in-process, median. */
  readonly verifyOneMs: number
}

const RUNS = 7
const SIGNER = 'acme/backend/.github/workflows/build.yml'

export async function benchAttest(): Promise<AttestBench> {
  const stack = await startStack()
  try {
    const world = await createSigstoreWorld()
    await mkdir(path.join(stack.workspace, 'sigstore'))
    const rootFile = path.join(stack.workspace, 'sigstore/trusted_root.json')
    await writeFile(rootFile, JSON.stringify(world.trustedRoot()))
    const repository = stack.repository('acme/backend')
    await stack.github.seed({
      'apps/backend/deployment.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: backend}\nspec:\n  containers:\n    - {name: backend, image: ${repository}:0.1.0}\n`,
    })
    const { source, entries } = await stack.layout('layouts/bench-attest', [
      { layers: [{ size: 1024, seed: 11 }], refName: '1.0.0' },
    ])
    const digest = entries[0]!.digest
    const bundle = await world.attest({
      subjects: [digest],
      identity: { repository: 'acme/backend', workflow: '.github/workflows/build.yml@refs/heads/main' },
    })
    stack.github.attestations.add('acme/backend', digest, bundle)

    const run = async (inputs: Record<string, string>): Promise<number> => {
      const start = performance.now()
      const result = await runAction({
        inputs: stack.inputs({ image: `${repository}:1.0.0`, manifests: 'apps/backend/', mode: 'push', ...inputs }),
        env: { ...stack.env(), GITHUB_SERVER_URL: 'https://github.com' },
        githubToken: stack.github.token,
        skipPost: true,
      })
      if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
      return performance.now() - start
    }
    await run({ source }) // pushes the image once
    const gate = { 'attestation-signer': SIGNER, 'attestation-trusted-root': 'sigstore/trusted_root.json' }
    const without: number[] = []
    const withGate: number[] = []
    for (let i = 0; i < RUNS; i++) {
      without.push(await run({ source: 'registry', 'dry-run': 'true' }))
      withGate.push(await run({ source: 'registry', 'dry-run': 'true', ...gate }))
    }

    const roots = await loadTrustRoots({ trustedRoot: { path: rootFile, input: 'trusted_root.json' } })
    const expected = {
      digest,
      predicateType: 'https://slsa.dev/provenance/v1',
      signer: parseSignerWorkflow(SIGNER),
      repository: 'acme/backend',
      serverUrl: 'https://github.com',
    }
    const inProcess: number[] = []
    for (let i = 0; i < 50; i++) {
      const start = performance.now()
      const verified = verifyBundle(bundle, roots)
      checkPolicy(verified.statement, verified.certificate, expected)
      inProcess.push(performance.now() - start)
    }
    return { withoutMs: median(without), withMs: median(withGate), runs: RUNS, verifyOneMs: median(inProcess) }
  } finally {
    await stack.close()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
