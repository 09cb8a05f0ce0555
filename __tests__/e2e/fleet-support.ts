// Shared by the fleet end-to-end files (jest runs each file on its own worker, so the long
// concurrent cases run side by side): the stand-ins with one image already in the registry, and
// N concurrent push-mode runs, each pinning its own file.
import { beforeAll, expect, test } from '@jest/globals'
import { useStack } from '../../test-support/e2e.js'
import { deployment } from '../../test-support/manifests.js'
import type { Stack } from '../../test-support/stack.js'

// Lower than the benchmark's 100–300 ms: 32 node processes on a small machine are slow enough.
const LATENCY: [number, number] = [20, 60]
const PUSH_TIMEOUT = '10m'

export const workload = (containers: Record<string, string>): string => deployment({ name: 'fleet', containers })

export interface Fleet {
  readonly stack: Stack
  /** The image's repository in the registry stand-in. */
  readonly app: string
  /** The image pinned by digest, already in the registry: runs resolve it, none pushes. */
  readonly pinned: string
}

const appRepository = (stack: Stack): string => stack.repository('acme/app')

/**
 * The calling file's stand-ins (useStack), a GitOps repository and one image pushed by a first run;
 * GitHub answers with latency from then on. The fleet's fields are usable inside tests and hooks.
 */
export function useFleet(): Fleet {
  const stack = useStack({ seed: (stack) => ({ 'apps/app.yaml': workload({ app: `${appRepository(stack)}:0.1.0` }) }) })
  let pinned: string | undefined
  beforeAll(async () => {
    const { source, entries } = await stack.layout('layouts/app', [
      { layers: [{ size: 1024, seed: 5 }], refName: '1.0.0' },
    ])
    const first = await stack.run({
      image: `${appRepository(stack)}:1.0.0`,
      source,
      manifests: 'apps/app.yaml',
      mode: 'push',
    })
    expect(first.errors).toEqual([])
    stack.github.setLatency(LATENCY)
    pinned = `${appRepository(stack)}:1.0.0@${entries[0]!.digest}`
  }, 120_000)
  return {
    stack,
    get app() {
      return appRepository(stack)
    },
    get pinned() {
      if (pinned === undefined) throw new Error('The fleet is set up in beforeAll: use it inside tests and hooks.')
      return pinned
    },
  }
}

/**
 * `count` push-mode runs started together, each pinning its own file (the `container` input):
 * all land, exactly one commit each on top of the head they started from, every pin present.
 */
export async function concurrentRunsLand({ stack, app, pinned }: Fleet, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `svc${i}`)
  const file = (name: string) => `fleet-${count}/${name}.yaml`
  await stack.github.seed(Object.fromEntries(names.map((n) => [file(n), workload({ [n]: `${app}:0.1.0` })])))
  const head = await stack.github.headSha('main')

  const results = await Promise.all(
    names.map((name) =>
      stack.run({
        image: pinned,
        container: name,
        manifests: file(name),
        mode: 'push',
        'push-timeout': PUSH_TIMEOUT,
        'commit-message': `Deploy ${name}`,
      }),
    ),
  )

  for (const result of results) {
    expect(result.errors).toEqual([])
    expect(result.outputs.changed).toBe('true')
  }
  const commits = await stack.github.commits('main')
  const landed = commits.slice(
    0,
    commits.findIndex((c) => c.sha === head),
  )
  expect(landed).toHaveLength(count)
  expect(landed.map((c) => c.sha).sort()).toEqual(results.map((r) => r.outputs['commit-sha']).sort())
  // The headline, then the reference trailers naming the source commit.
  expect(landed.map((c) => c.message.split('\n')[0]).sort()).toEqual(names.map((n) => `Deploy ${n}`).sort())
  for (const commit of landed) expect(commit.parents).toHaveLength(1)
  for (const name of names) {
    expect(await stack.github.readFile('main', file(name))).toBe(workload({ [name]: pinned }))
  }
}

/** A whole test file of one case: `count` concurrent runs on stand-ins of its own. */
export function concurrentRunsFile(count: number): void {
  const fleet = useFleet()
  test(`${count} runs, each touching its own file: all land, one commit each, every pin present`, async () => {
    await concurrentRunsLand(fleet, count)
  }, 600_000)
}
