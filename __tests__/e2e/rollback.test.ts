// End to end through dist/index.js: a late or re-run workflow of an older commit is refused before
// anything is pushed or written, and allowed with `allow-rollback`. What is deployed comes from the
// Argocd-reference-commit trailers of the GitOps commit that last changed the pin; how the commits
// relate, from the compare API of the workflow's repository. The stand-in keeps one git repository,
// so here the workflow runs in the GitOps repository itself (source and manifests in one
// repository, as some teams have): its compare API answers from real history.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack()
let older: string
let newer: string
let unrelated: string
let seed = 9500
const FILE = 'apps/backend/deployment.yaml'
const deployment = (image: string): string => singleContainer('backend', image)

const workflowRepository = () => `${stack.github.owner}/${stack.github.repo}`

function registryWrites(): number {
  return stack.registry.requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH').length
}

beforeAll(async () => {
  // The workflow's repository history: `older`, then `newer` on top of it; `unrelated` elsewhere.
  older = await stack.github.seed({ 'src/app.txt': 'v1\n' }, { branch: 'source' })
  newer = await stack.github.seed({ 'src/app.txt': 'v2\n' }, { branch: 'source' })
  unrelated = await stack.github.seed({ 'src/other.txt': 'x\n' }, { branch: 'elsewhere' })
  // `newer` is deployed: its deploy commit carries the trailers.
  await stack.github.seed(
    { [FILE]: deployment(`${stack.repository('acme/backend')}:1.0.0@sha256:${'1'.repeat(64)}`) },
    {
      message: `Deploy backend 1.0.0\n\nArgocd-reference-commit-sha: ${newer}\nArgocd-reference-commit-repourl: ${stack.github.serverUrl}/${workflowRepository()}.git\n`,
    },
  )
  // A later commit that changed the file without deploying (no trailers) does not hide the deploy.
  await stack.github.seed({ [FILE]: `# replicas by hand\n${await stack.github.readFile('main', FILE)}` })
}, 60_000)

async function runAt(sha: string, inputs: Record<string, string> = {}) {
  const { source } = await stack.layout(`layouts/backend-${seed}`, [
    { layers: [{ size: 1000, seed: seed++ }], refName: '2.0.0' },
  ])
  return stack.run(
    { image: `${stack.repository('acme/backend')}:2.0.0`, source, manifests: 'apps/', mode: 'push', ...inputs },
    { GITHUB_SHA: sha, GITHUB_REPOSITORY: workflowRepository() },
  )
}

describe('a run of an older commit than the deployed one', () => {
  test('is refused before anything is pushed or written, naming both commits and allow-rollback', async () => {
    const head = await stack.github.headSha('main')
    const writes = registryWrites()
    const result = await runAt(older)
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('Refusing to roll back')
    expect(result.errors[0]).toContain(`this run's commit ${older} is older than ${newer}, which is deployed`)
    expect(result.errors[0]).toContain('`allow-rollback: true`')
    expect(await stack.github.headSha('main')).toBe(head)
    expect(registryWrites()).toBe(writes)
    expect(result.outputs['commit-sha']).toBeUndefined()
  }, 60_000)

  test('is deployed with allow-rollback: true, with a warning', async () => {
    const result = await runAt(older, { 'allow-rollback': 'true' })
    expect(result.errors).toEqual([])
    expect(result.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/)
    expect(result.log).toContain('Rolling back on purpose (allow-rollback: true)')
    // The action's own commit names its source, so the next run compares with `older`.
    const [commit] = await stack.github.commits('main')
    expect(commit!.message).toContain(`Argocd-reference-commit-sha: ${older}`)
  }, 60_000)
})

describe('runs that are no rollback', () => {
  test('the deployed commit itself (a re-run) and newer ones proceed; then the older one is refused again', async () => {
    // `older` is deployed since the rollback above, by the action's own commit and its trailers.
    const rerun = await runAt(older)
    expect(rerun.errors).toEqual([])
    expect(rerun.log).toContain(`${older} is already deployed (a re-run)`)
    const forward = await runAt(newer)
    expect(forward.errors).toEqual([])
    const newest = await stack.github.seed({ 'src/app.txt': 'v3\n' }, { branch: 'source' })
    const later = await runAt(newest)
    expect(later.errors).toEqual([])
    expect(later.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/)
    const late = await runAt(newer)
    expect(late.exitCode).toBe(1)
    expect(late.errors[0]).toContain(`this run's commit ${newer} is older than ${newest}, which is deployed`)
  }, 120_000)

  test('unrelated histories proceed with a notice', async () => {
    const result = await runAt(unrelated)
    expect(result.errors).toEqual([])
    expect(result.stdout).toMatch(/::notice::.*have no history in common in acme\/gitops \(No common ancestor between/)
  }, 60_000)
})
