// Native layout push against `skopeo copy`, into the same local registry (real distribution,
// token auth) in the same run. Each tool runs as its own process, timed wall-clock end to end;
// our push runs from an esbuild bundle, as the action does, so its peak RSS is the action's.
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { TEST_ACCESS_TOKEN, startRegistry } from '../test-support/registry/launch.js'
import { writeLayout } from '../test-support/oci/layout.js'
import { startStack } from '../test-support/stack.js'

export interface BenchPushOptions {
  /** Layer sizes of the compared image; default three of 64 MiB. */
  layerMiB?: number[]
  /** The single layer whose push's peak RSS is reported; default 512, 0 skips. */
  bigLayerMiB?: number
  /** Interleaved rounds of both tools; default 3. */
  rounds?: number
}

export interface BenchPushResult {
  /**
   * seconds: loading the registry code and pushing, inside a running process (the action's
   * process exists anyway); loadSeconds is the loading part; processSeconds adds Node's own
   * start-up, for comparison. Medians over the rounds; peakRssMiB is the highest.
   */
  ours: { seconds: number; loadSeconds: number; peakRssMiB: number; processSeconds: number }
  /** Wall-clock of the skopeo process, start-up included (a Go binary: a few ms). */
  skopeo: { seconds: number }
  /** ours / skopeo: at most 1.0 means at least as fast. */
  ratio: number
  /** Pushing the same image again: every blob is already present. */
  secondPush: { oursSeconds: number; skopeoSeconds: number }
  bigLayer?: { layerMiB: number; peakRssMiB: number }
  rounds: number
}

const MIB = 1024 * 1024
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

// The child: push one layout with publishImage and report time and peak RSS to a file.
const CHILD_SOURCE = `
import { readFileSync, writeFileSync } from 'node:fs'
import * as core from '@actions/core'
const args = JSON.parse(process.argv[2])
core.debug('push child started')
// The action's process is already running, with @actions/core loaded, when it pushes; what the
// push adds is loading the registry code (lazily, as main.ts does) and the push itself.
const started = performance.now()
const { publishImage } = await import('./src/registry/publish.ts')
const { parseImageReference } = await import('./src/image/reference.ts')
const loadSeconds = (performance.now() - started) / 1000
const result = await publishImage({
  image: parseImageReference(args.image),
  source: { kind: 'layout', path: args.layout, input: 'bench-layout' },
  credentials: { getAccessToken: async () => args.token },
  dryRun: false,
})
const seconds = (performance.now() - started) / 1000
let peakKiB = process.resourceUsage().maxRSS
try {
  const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  if (hwm) peakKiB = Number(hwm[1])
} catch {}
writeFileSync(args.report, JSON.stringify({ seconds, loadSeconds, peakRssMiB: peakKiB / 1024, digest: result.digest, blobsUploaded: result.blobsUploaded }))
`

interface ChildReport {
  seconds: number
  loadSeconds: number
  peakRssMiB: number
  digest: string
  blobsUploaded: number
}

export async function benchPush(options: BenchPushOptions = {}): Promise<BenchPushResult> {
  const layerMiB = options.layerMiB ?? [64, 64, 64]
  const bigLayerMiB = options.bigLayerMiB ?? 512
  const rounds = Math.max(1, options.rounds ?? 3)
  const work = await mkdtemp(path.join(tmpdir(), 'bench-push-'))
  const registry = await startRegistry({ auth: 'token' })
  try {
    const child = path.join(work, 'child', 'push-child.mjs')
    await build({
      stdin: { contents: CHILD_SOURCE, resolveDir: ROOT, loader: 'ts', sourcefile: 'push-child.ts' },
      outdir: path.dirname(child),
      entryNames: 'push-child',
      outExtension: { '.js': '.mjs' },
      splitting: true,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    })

    // Fresh random content for every round: skopeo remembers where it pushed a blob and mounts
    // it from there the next time, so a reused layout would give it free blobs.
    const seed = randomInt(1, 2 ** 40)
    const freshLayout = async (round: number): Promise<string> => {
      const dir = path.join(work, `layout-${round}`)
      await writeLayout(dir, [
        { layers: layerMiB.map((size, i) => ({ size: size * MIB, seed: seed + round * 100 + i })), refName: 'bench' },
      ])
      return dir
    }

    // The blob traffic goes straight to the registry; only token requests pass the in-process proxy.
    const host = registry.directHost
    const ours = (repository: string, dir: string): Promise<{ wall: number; report: ChildReport }> =>
      runOurs(child, {
        image: `${host}/${repository}:bench`,
        layout: dir,
        token: TEST_ACCESS_TOKEN,
        report: path.join(work, `${repository.replace(/\W/g, '-')}.json`),
      })
    const skopeo = (repository: string, layout: string): Promise<number> =>
      timed('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        '--dest-creds',
        `oauth2accesstoken:${TEST_ACCESS_TOKEN}`,
        `oci:${layout}:bench`,
        `docker://${host}/${repository}:bench`,
      ])

    // Interleaved rounds, each into fresh repositories (a registry only skips blobs already
    // linked to the repository), reported as medians: two cores make single runs noisy.
    const firsts: { ours: ChildReport; oursWall: number; skopeo: number }[] = []
    const seconds: { ours: number; skopeo: number }[] = []
    for (let round = 1; round <= rounds; round++) {
      const layout = await freshLayout(round)
      const first = await ours(`bench/ours-${round}`, layout)
      const skopeoFirst = await skopeo(`bench/skopeo-${round}`, layout)
      const second = await ours(`bench/ours-${round}`, layout)
      const skopeoSecond = await skopeo(`bench/skopeo-${round}`, layout)
      await rm(layout, { recursive: true, force: true })
      if (first.report.blobsUploaded !== layerMiB.length + 1 || second.report.blobsUploaded !== 0) {
        throw new Error(
          `unexpected upload counts: first ${first.report.blobsUploaded}, second ${second.report.blobsUploaded}`,
        )
      }
      firsts.push({ ours: first.report, oursWall: first.wall, skopeo: skopeoFirst })
      seconds.push({ ours: second.report.seconds, skopeo: skopeoSecond })
    }

    let bigLayer: BenchPushResult['bigLayer']
    if (bigLayerMiB > 0) {
      const bigLayout = path.join(work, 'big')
      await writeLayout(bigLayout, [{ layers: [{ size: bigLayerMiB * MIB, seed: seed + 99_000 }], refName: 'bench' }])
      const big = await ours('bench/big', bigLayout)
      bigLayer = { layerMiB: bigLayerMiB, peakRssMiB: round(big.report.peakRssMiB) }
    }

    return {
      ours: {
        seconds: round(median(firsts.map((f) => f.ours.seconds))),
        loadSeconds: round(median(firsts.map((f) => f.ours.loadSeconds))),
        peakRssMiB: round(Math.max(...firsts.map((f) => f.ours.peakRssMiB))),
        processSeconds: round(median(firsts.map((f) => f.oursWall))),
      },
      skopeo: { seconds: round(median(firsts.map((f) => f.skopeo))) },
      ratio: round(median(firsts.map((f) => f.ours.seconds / f.skopeo))),
      secondPush: {
        oursSeconds: round(median(seconds.map((s) => s.ours))),
        skopeoSeconds: round(median(seconds.map((s) => s.skopeo))),
      },
      rounds,
      ...(bigLayer !== undefined && { bigLayer }),
    }
  } finally {
    await registry.close()
    await rm(work, { recursive: true, force: true })
  }
}

async function runOurs(child: string, args: Record<string, string>): Promise<{ wall: number; report: ChildReport }> {
  const wall = await timed(process.execPath, [child, JSON.stringify(args)])
  const report = JSON.parse(await readFile(args.report!, 'utf8')) as ChildReport
  return { wall, report }
}

/** Wall-clock seconds of one process, start to exit; fails with its stderr. */
function timed(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000)
      else reject(new Error(`${path.basename(command)} exited with ${code}: ${stderr.trim()}`))
    })
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const layerMiB = process.argv[2]?.split(',').map(Number)
  console.log(JSON.stringify(await benchPush(layerMiB ? { layerMiB } : {}), null, 2))
}

export interface ActionRssResult {
  /** Peak RSS (VmHWM) of the whole `node dist/index.js` process, MiB. */
  readonly oneLayerMiB: { layerMiB: number; peakRssMiB: number }
  readonly threeLayersMiB: { layerMiB: number; peakRssMiB: number }
  readonly noPushMiB: number
}

// Loaded into the action's process through NODE_OPTIONS: at exit, writes the process's peak
// RSS (VmHWM, or maxRSS where /proc is missing) to the file named by GDA_BENCH_RSS_REPORT; the
// main and the post step each add a line, and the larger (the main step) is the run's figure.
const RSS_PRELOAD = `
import { appendFileSync, readFileSync } from 'node:fs'
process.on('exit', () => {
  let peakKiB = process.resourceUsage().maxRSS
  try {
    const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) peakKiB = Number(hwm[1])
  } catch {}
  appendFileSync(process.env.GDA_BENCH_RSS_REPORT, peakKiB + '\\n')
})
`

/**
 * Whole-process peak RSS of real `mode: push` runs of dist/index.js (keyless auth with
 * impersonation, the GitHub stand-in, the registry with token auth): one big layer, three
 * layers pushed in parallel, and a run that only resolves a tag (`source: registry`).
 */
export async function benchActionRss(options: { oneLayerMiB?: number; threeLayerMiB?: number } = {}) {
  const oneLayerMiB = options.oneLayerMiB ?? 256
  const threeLayerMiB = options.threeLayerMiB ?? 64
  const work = await mkdtemp(path.join(tmpdir(), 'bench-rss-'))
  const stack = await startStack()
  try {
    const preload = path.join(work, 'rss-preload.mjs')
    await writeFile(preload, RSS_PRELOAD)
    await stack.github.seed({
      'apps/api/deployment.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n  containers:\n    - {name: api, image: ${stack.repository('bench/api')}:0.0.0}\n`,
    })
    const seed = randomInt(1, 2 ** 40)
    let runs = 0
    const peak = async (inputs: Record<string, string>): Promise<number> => {
      const report = path.join(work, `rss-${++runs}`)
      const result = await stack.run(
        { manifests: 'apps/api/deployment.yaml', mode: 'push', 'service-account': stack.gcp.serviceAccount, ...inputs },
        { NODE_OPTIONS: `--import=${pathToFileURL(preload).href}`, GDA_BENCH_RSS_REPORT: report },
      )
      if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
      const lines = (await readFile(report, 'utf8')).trim().split('\n').map(Number)
      return round(Math.max(...lines) / 1024)
    }
    const pushOf = async (tag: string, layers: number[]): Promise<number> => {
      const { source } = await stack.layout(`rss-${tag}`, [
        { layers: layers.map((size, i) => ({ size: size * MIB, seed: seed + runs * 10 + i })), refName: tag },
      ])
      try {
        return await peak({ image: `${stack.repository('bench/api')}:${tag}`, source })
      } finally {
        await rm(path.join(stack.workspace, source), { recursive: true, force: true })
      }
    }
    const one = await pushOf('one', [oneLayerMiB])
    const three = await pushOf('three', [threeLayerMiB, threeLayerMiB, threeLayerMiB])
    const none = await peak({ image: `${stack.repository('bench/api')}:three`, source: 'registry' })
    return {
      oneLayerMiB: { layerMiB: oneLayerMiB, peakRssMiB: one },
      threeLayersMiB: { layerMiB: threeLayerMiB, peakRssMiB: three },
      noPushMiB: none,
    } satisfies ActionRssResult
  } finally {
    await stack.close()
    await rm(work, { recursive: true, force: true })
  }
}
