// `npm run bench`: the figures the issues ask for, measured on this machine in one run.
// Nothing here asserts a time; the numbers are printed for people to compare.
import { execFile } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { BUNDLE, runAction } from '../test-support/action-runner.js'
import { startStack } from '../test-support/stack.js'
import { availableParallelism, loadavg } from 'node:os'
import { benchFleet, formatFleet } from './fleet.js'
import { benchMerge } from './merge.js'
import { benchPins } from './pins.js'
import { benchActionRss, benchPush } from './push.js'
import { benchRewrite } from './rewrite.js'
import { benchStatuses } from './statuses.js'
import { benchVerify } from './verify.js'
import { benchAttest } from './attest.js'

const exec = promisify(execFile)
const REPOSITORY_FILES = 2000

async function apiCalls(): Promise<{ push: number; pr: number; files: number }> {
  const stack = await startStack()
  try {
    const files: Record<string, string> = {}
    for (let i = 0; i < REPOSITORY_FILES; i++)
      files[`apps/service-${i}/config.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s${i}\n`
    files['apps/backend/deployment.yaml'] = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: backend}',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      `        - {name: backend, image: ${stack.repository('acme/backend')}:0.1.0}`,
      '',
    ].join('\n')
    await stack.github.seed(files)
    const count = async (mode: string, tag: string, seed: number): Promise<number> => {
      const { source } = await stack.layout(`layouts/${tag}`, [{ layers: [{ size: 1024, seed }], refName: tag }])
      stack.github.resetRequests()
      const result = await runAction({
        inputs: stack.inputs({
          image: `${stack.repository('acme/backend')}:${tag}`,
          source,
          manifests: 'apps/backend/deployment.yaml',
          mode,
          labels: 'deploy',
        }),
        env: stack.env(),
        githubToken: stack.github.token,
      })
      if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
      return stack.github.requests.length
    }
    return { push: await count('push', '1.0.0', 1), pr: await count('pr', '1.1.0', 2), files: REPOSITORY_FILES + 1 }
  } finally {
    await stack.close()
  }
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await work()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

async function coldStart(): Promise<{ bundleMs: number; nodeMs: number }> {
  const env = { PATH: process.env.PATH ?? '' }
  const bundle = () => exec(process.execPath, [BUNDLE], { env }).catch(() => undefined) // exits 1: missing input
  const bare = () => exec(process.execPath, ['-e', '0'], { env })
  await bundle()
  return { bundleMs: await median(15, bundle), nodeMs: await median(15, bare) }
}

const round = (value: number, digits = 1): string => value.toFixed(digits)

async function main(): Promise<void> {
  console.log(`gitops-deploy-action benchmark on Node ${process.version}\n`)

  const calls = await apiCalls()
  console.log(`GitHub API calls, GitOps repository of ${calls.files} files, one manifest:`)
  console.log(`  push mode: ${calls.push} (target ≤ 6)`)
  console.log(`  pr mode:   ${calls.pr} (target ≤ 10)`)

  for (const line of formatFleet(await benchFleet())) console.log(line)

  const pins = await benchPins()
  console.log(
    `Select and pin \`manifests: .\` of a ${pins.files}-file repository (${pins.yamlFiles} YAML files, a Helm chart, kustomize overlays):`,
  )
  console.log(
    `  API calls reading the files: ${pins.readCalls} (target < 10); all calls of the run: ${pins.totalCalls}`,
  )
  console.log(
    `  whole run: ${round(pins.seconds, 2)} s (target < 10 s; load average ${round(loadavg()[0]!, 1)} on ${availableParallelism()} cores), ${pins.changedFiles} files pinned`,
  )

  const rewrite = await benchRewrite()
  console.log(
    `Rewrite of a ${rewrite.documents}-document manifest (${round(rewrite.bytes / 1024, 0)} KiB): ${round(rewrite.milliseconds)} ms`,
  )

  const start = await coldStart()
  console.log(
    `Cold start to exit on a missing input: ${round(start.bundleMs)} ms (node -e 0: ${round(start.nodeMs)} ms, difference ${round(start.bundleMs - start.nodeMs)} ms)`,
  )

  const rss = await benchActionRss()
  console.log('Whole-process peak RSS of `node dist/index.js`, mode: push with keyless auth (target < 150 MiB):')
  console.log(`  one ${rss.oneLayerMiB.layerMiB} MiB layer: ${round(rss.oneLayerMiB.peakRssMiB, 0)} MiB`)
  console.log(`  three ${rss.threeLayersMiB.layerMiB} MiB layers: ${round(rss.threeLayersMiB.peakRssMiB, 0)} MiB`)
  console.log(`  no push (source: registry): ${round(rss.noPushMiB, 0)} MiB`)

  const verify = await benchVerify()
  console.log(`Argo CD verification of a ${round(verify.deployMs / 1000, 0)} s deploy (verify-timeout 10m):`)
  console.log(
    `  Healthy in the stand-in → action exit: ${round(verify.healthyToExitMs / 1000, 2)} s (target < one poll interval, ${verify.pollCapMs / 1000} s)`,
  )
  console.log(`  Argo CD API calls: ${verify.argoCalls}`)

  const merge = await benchMerge()
  console.log(
    'Pull request that deploys (mode: pr, merge: squash, Argo CD verification; protected main, one required check):',
  )
  console.log(`  GitHub API calls, check passes at once: ${merge.firstRunCalls}`)
  console.log(
    `  GitHub API calls per minute while waiting ${round(merge.waitMs / 1000, 0)} s for the check: ${round(merge.waitingCallsPerMinute, 1)}`,
  )
  console.log(
    `  GitHub's merge → the action sees it: ${round(merge.mergeToSeenMs / 1000, 2)} s; → action exit (Argo CD verification included): ${round(merge.mergeToExitMs / 1000, 2)} s (target < one poll interval, ${merge.pollCapMs / 1000} s)`,
  )

  const statuses = await benchStatuses()
  console.log(
    `Verification through commit statuses (mode: verify) of a ${round(statuses.deployMs / 1000, 0)} s deploy (verify-timeout 10m):`,
  )
  console.log(
    `  success status → action exit: ${round(statuses.reportedToExitMs / 1000, 2)} s (polls back off to 15 s)`,
  )
  console.log(
    `  GitHub API calls while waiting: ${statuses.waitCalls}, ${round(statuses.callsPerMinute)} per minute (polls back off to one per 7.5–15 s)`,
  )

  const attest = await benchAttest()
  console.log(`Build-provenance gate (attestation-signer), source: registry dry run, median of ${attest.runs}:`)
  console.log(
    `  without ${round(attest.withoutMs)} ms, with ${round(attest.withMs)} ms: the gate adds ${round(attest.withMs - attest.withoutMs)} ms (one bundle verified in-process: ${round(attest.verifyOneMs, 2)} ms)`,
  )

  const push = await benchPush()
  console.log('Native push of 3 × 64 MiB layers to the local registry:')
  console.log(
    `  ours ${round(push.ours.seconds, 2)} s, skopeo copy ${round(push.skopeo.seconds, 2)} s, ratio ${round(push.ratio, 2)} (target ≤ 1.0)`,
  )
  console.log(`  peak RSS of our push: ${round(push.ours.peakRssMiB, 0)} MiB`)
  console.log(
    `  second push (all blobs present): ours ${round(push.secondPush.oursSeconds, 2)} s, skopeo ${round(push.secondPush.skopeoSeconds, 2)} s`,
  )
  if (push.bigLayer)
    console.log(
      `  ${push.bigLayer.layerMiB} MiB layer: peak RSS ${round(push.bigLayer.peakRssMiB, 0)} MiB (target < 150 MiB)`,
    )
}

await main()
