// Concurrent writers into one GitOps repository under GitHub's latency (the stand-in waits
// 100–300 ms per request): how many land, what it costs in API calls and content-creating calls
// (what GitHub's secondary rate limit counts), and how long the slowest writer waits compared
// with writing one after another. Runs the writer in-process, one client per writer, for both
// write strategies (GraphQL createCommitOnBranch, REST tree + commit + ref).
import { performance } from 'node:perf_hooks'
import { createGitHubClient } from '../src/gitops/client.js'
import { GitOpsRepository, type Snapshot } from '../src/gitops/repository.js'
import { type MovedBase, type WriteStrategy, pushToBase } from '../src/gitops/writer.js'
import { type FakeGitHub, startFakeGitHub } from '../test-support/github-api/server.js'

export const LATENCY: [number, number] = [100, 300]

export interface FleetFigures {
  readonly strategy: WriteStrategy
  readonly writers: number
  readonly landed: number
  readonly apiCallsPerCommit: number
  readonly contentCallsPerCommit: number
  readonly slowestSeconds: number
  readonly serialIdealSeconds: number
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
/** What GitHub's secondary rate limit counts: REST writes and GraphQL mutations, not GraphQL queries. */
const isContentCreating = (request: { method: string; operationId?: string }) =>
  WRITES.has(request.method) && request.operationId !== 'graphql'
let runners = 0

/** One deploy as the action does it: read the base and the file, pin, write (retrying as needed). */
async function deploy(gh: FakeGitHub, base: string, path: string, strategy: WriteStrategy): Promise<boolean> {
  // Each writer is its own runner: its own write spacing, as in separate processes.
  const client = createGitHubClient(gh.token, gh.url, { throttleId: `runner-${++runners}` })
  const repo = new GitOpsRepository(client, gh.owner, gh.repo)
  const initial = await repo.snapshot(base)
  let files = await repo.readFiles(initial, [path])
  const outcome = await pushToBase(repo, {
    base,
    initial,
    strategy,
    message: `Deploy ${path}`,
    timeoutMs: 10 * 60_000,
    prepare: async (snapshot: Snapshot, moved?: MovedBase) => {
      if (moved !== undefined && (moved.changes === undefined || moved.changes.has(path))) {
        files = await repo.readFiles(snapshot, [path])
      }
      return {
        files: files
          .map((file) => ({ path: file.path, content: file.content.replace(':old', ':new') }))
          .filter((file, i) => file.content !== files[i]!.content),
      }
    },
  })
  return outcome.commitSha !== undefined
}

async function round(gh: FakeGitHub, writers: number, strategy: WriteStrategy, tag: string): Promise<FleetFigures> {
  const base = `bench/${tag}`
  const paths = Array.from({ length: writers + 1 }, (_, i) => `apps/${tag}/svc-${i}.yaml`)
  await gh.seed(Object.fromEntries(paths.map((p) => [p, `image: registry.example/app:old\n`])), { branch: base })

  // The serial ideal: one uncontended write, times the number of writers.
  gh.resetRequests()
  const single = performance.now()
  await deploy(gh, base, paths[writers]!, strategy)
  const serialIdealSeconds = ((performance.now() - single) / 1000) * writers

  gh.resetRequests()
  const start = performance.now()
  let slowest = 0
  const outcomes = await Promise.all(
    paths.slice(0, writers).map(async (path) => {
      // A writer that gives up counts as not landed; the figures say so.
      const ok = await deploy(gh, base, path, strategy).catch(() => false)
      slowest = Math.max(slowest, performance.now() - start)
      return ok
    }),
  )
  const landed = outcomes.filter(Boolean).length
  const content = gh.requests.filter(isContentCreating).length
  return {
    strategy,
    writers,
    landed,
    apiCallsPerCommit: gh.requests.length / Math.max(1, landed),
    contentCallsPerCommit: content / Math.max(1, landed),
    slowestSeconds: slowest / 1000,
    serialIdealSeconds,
  }
}

export async function benchFleet(
  counts: readonly number[] = [4, 16, 32],
  strategies: readonly WriteStrategy[] = ['graphql', 'rest'],
  onRound?: (figures: FleetFigures) => void,
): Promise<FleetFigures[]> {
  const gh = await startFakeGitHub()
  await gh.seed({ 'README.md': '# bench\n' })
  gh.setLatency(LATENCY)
  // The writers log every attempt; the figures are what matters here.
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = (() => true) as typeof process.stdout.write
  try {
    const figures: FleetFigures[] = []
    for (const strategy of strategies) {
      for (const writers of counts) {
        const result = await round(gh, writers, strategy, `${strategy}-${writers}`)
        figures.push(result)
        onRound?.(result)
      }
    }
    return figures
  } finally {
    process.stdout.write = write
    await gh.close()
  }
}

export function formatRound(f: FleetFigures): string {
  return (
    `  ${f.strategy.padEnd(7)} ${String(f.writers).padStart(2)} writers: ${f.landed}/${f.writers} landed, ` +
    `${f.apiCallsPerCommit.toFixed(1)} API calls and ${f.contentCallsPerCommit.toFixed(2)} content-creating calls per commit, ` +
    `slowest ${f.slowestSeconds.toFixed(1)} s vs serial ideal ${f.serialIdealSeconds.toFixed(1)} s ` +
    `(${(f.slowestSeconds / f.serialIdealSeconds).toFixed(2)}×)`
  )
}

export function formatFleet(figures: readonly FleetFigures[]): string[] {
  const lines = [
    `Concurrent push-mode writers into one repository, GitHub latency ${LATENCY[0]}–${LATENCY[1]} ms per request:`,
  ]
  for (const f of figures) lines.push(formatRound(f))
  lines.push('  targets: all land; ≤ 3 content-creating calls per commit at 16 writers; slowest ≤ 3× serial ideal')
  return lines
}

// `npx tsx bench/fleet.ts` runs this part alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = (process.env.FLEET_WRITERS ?? '4,16,32').split(',').map(Number)
  const strategies = (process.env.FLEET_STRATEGIES ?? 'graphql,rest').split(',') as WriteStrategy[]
  console.log(formatFleet([])[0])
  await benchFleet(counts, strategies, (figures) => process.stderr.write(`${formatRound(figures)}\n`))
}
