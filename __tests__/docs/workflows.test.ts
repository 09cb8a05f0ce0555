// The example workflows and the repository's own workflows must pass a real workflow linter
// (@action-validator/cli, which checks them against SchemaStore's schemas), pin third-party
// actions by commit SHA, and use only the inputs and outputs action.yml declares.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { ROOT, actionMetadata, at, filesUnder, markdownFiles, read } from './helpers.js'

const run = promisify(execFile)
const VALIDATOR = path.join(ROOT, 'node_modules', '.bin', 'action-validator')
const WORKFLOWS = [
  ...filesUnder('examples/workflows', ['.yml', '.yaml']),
  ...filesUnder('.github/workflows', ['.yml', '.yaml']),
]
/** How the examples refer to this action, and how the self-test does. */
const THIS_ACTION = /^(acme\/gitops-deploy-action@v\d+|\.\/?)$/

type Json = Record<string, unknown>

async function validate(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    // The CLI reads paths relative to the working directory (it checks `paths:` globs there).
    await run(VALIDATOR, [file], { cwd: ROOT })
    return { ok: true, output: '' }
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string }
    return { ok: false, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` || failure.message }
  }
}

function isThisAction(step: Json): boolean {
  return typeof step.uses === 'string' && THIS_ACTION.test(step.uses)
}

function steps(workflow: Json): Json[] {
  const jobs = (workflow.jobs ?? {}) as Record<string, Json>
  return Object.values(jobs).flatMap((job) => (job.steps ?? []) as Json[])
}

describe('workflow files', () => {
  test('both the examples and the repository workflows are found', () => {
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining([
        'examples/workflows/build-and-deploy.yml',
        'examples/workflows/direct-push.yml',
        'examples/workflows/matrix.yml',
        'examples/workflows/daemonless.yml',
        'examples/workflows/minimal.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/codeql.yml',
        '.github/workflows/release.yml',
        '.github/workflows/self-test.yml',
      ]),
    )
  })

  test.each(WORKFLOWS)('%s passes action-validator', async (file) => {
    expect(await validate(file)).toEqual({ ok: true, output: '' })
  })

  test.each(WORKFLOWS)('%s pins third-party actions by commit SHA with a version comment', (file) => {
    const unpinned = read(file)
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      .map((line) => line.replace(/^\s*(-\s+)?uses:\s*/, '').trim())
      .filter((uses) => !THIS_ACTION.test(uses.split(/\s/)[0] ?? ''))
      .filter((uses) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(uses))
    expect(unpinned).toEqual([])
  })

  test.each(WORKFLOWS)('%s declares least privilege at the top', (file) => {
    const workflow = parse(read(file)) as Json
    expect(workflow.permissions).toEqual({ contents: 'read' })
  })

  test.each(filesUnder('.github/workflows', ['.yml']))('%s has a concurrency group', (file) => {
    expect((parse(read(file)) as Json).concurrency).toBeDefined()
  })

  test.each(WORKFLOWS)('%s uses only inputs and outputs that action.yml declares', (file) => {
    const action = actionMetadata()
    const workflow = parse(read(file)) as Json
    const ours = steps(workflow).filter((step) => isThisAction(step))
    for (const step of ours) {
      const inputs = Object.keys(step.with ?? {})
      expect(inputs.filter((name) => !(name in action.inputs))).toEqual([])
      const required = Object.entries(action.inputs)
        .filter(([, input]) => input.required === true)
        .map(([name]) => name)
      expect(required.filter((name) => !inputs.includes(name))).toEqual([])
    }
    const ids = new Set(ours.map((step) => step.id).filter((id): id is string => typeof id === 'string'))
    const referenced = [...read(file).matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)].filter((match) =>
      ids.has(match[1] ?? ''),
    )
    expect(referenced.map((match) => match[2]).filter((name) => !(String(name) in action.outputs))).toEqual([])
  })

  test('workflows that authenticate to Google Cloud may request an OIDC token', () => {
    for (const file of WORKFLOWS) {
      const workflow = parse(read(file)) as Json
      for (const [name, job] of Object.entries((workflow.jobs ?? {}) as Record<string, Json>)) {
        const federates = ((job.steps ?? []) as Json[]).some(
          (step) => isThisAction(step) && at(step, 'with.workload-identity-provider'),
        )
        if (federates) {
          // contents: read at least (listing any permission drops the defaults); write when the
          // job's own GITHUB_TOKEN writes to the GitOps repository.
          expect({ file, name, permissions: job.permissions }).toMatchObject({
            permissions: { 'id-token': 'write', contents: expect.stringMatching(/^(read|write)$/) },
          })
        }
      }
    }
  })
})

describe('releases', () => {
  const version = (JSON.parse(read('package.json')) as { version: string }).version
  const major = `v${version.split('.')[0]}`
  type Step = { name?: string; run?: string; uses?: string }
  type Job = { needs?: string | string[]; permissions?: Json; steps: Step[] }
  const release = parse(read('.github/workflows/release.yml')) as { on: Json; jobs: Record<string, Job> }
  const runs = (job: Job | undefined): string[] => (job?.steps ?? []).map((step) => step.run ?? '')

  test('package.json and package-lock.json say the same version, and CHANGELOG.md has an entry for it', () => {
    const lock = JSON.parse(read('package-lock.json')) as { version: string; packages: Record<string, Json> }
    expect(version).toMatch(/^\d+\.\d+\.\d+$/)
    expect([lock.version, lock.packages['']?.version]).toEqual([version, version])
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${version.replace(/\./g, '\\.')}\\] - `, 'm'))
  })

  test('every use of this action in the examples and docs names the major tag the release moves', () => {
    const uses = [...WORKFLOWS.filter((file) => file.startsWith('examples/')), ...markdownFiles()].flatMap((file) =>
      [...read(file).matchAll(/uses:\s*acme\/gitops-deploy-action@([\w.-]+)/g)].map((match) => `${file}: @${match[1]}`),
    )
    expect(uses.length).toBeGreaterThanOrEqual(4)
    expect(uses.filter((use) => !use.endsWith(`: @${major}`))).toEqual([])
  })

  test('the release workflow runs on vX.Y.Z tags only', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
  })

  test('it checks the tag against package.json and the changelog first, then the set-up, dist, docs and tests', () => {
    const steps = runs(release.jobs.verify)
    const index = (pattern: RegExp): number => steps.findIndex((run) => pattern.test(run))
    const tagCheck = index(/^node scripts\/release-notes\.ts "\$GITHUB_REF_NAME"$/)
    expect(tagCheck).toBeGreaterThanOrEqual(0)
    const later = [
      /^npm run setup$/,
      /^npm run build$/,
      /git status --porcelain -- dist/,
      /^npm run lint$/,
      /^npm run typecheck$/,
      /^npm run docs -- --check$/,
      /^npm test$/,
    ].map(index)
    expect(later.filter((position) => position <= tagCheck)).toEqual([])
  })

  test('only after the checks it publishes the release with the changelog entry as notes and moves the major tag', () => {
    const job = release.jobs.release
    expect(job?.needs).toBe('verify')
    expect(job?.permissions).toEqual({ contents: 'write' })
    const script = runs(job).join('\n')
    expect(script).toContain('node scripts/release-notes.ts "$GITHUB_REF_NAME" > "$RUNNER_TEMP/notes.md"')
    expect(script).toMatch(
      /gh release create "\$GITHUB_REF_NAME" --verify-tag .*--notes-file "\$RUNNER_TEMP\/notes\.md"/,
    )
    expect(script).toContain('major="${GITHUB_REF_NAME%%.*}"')
    expect(script).toContain('git push --force origin "refs/tags/$major"')
  })

  test('CI and the release use the same set-up as a reader (npm run setup), and .ci/run does too', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, Job> }
    expect(runs(ci.jobs.test)).toContain('npm run setup')
    expect(runs(release.jobs.verify)).toContain('npm run setup')
    expect(read('.ci/run')).toMatch(/^node scripts\/node24\.mjs setup$/m)
  })
})

test('Dependabot updates npm and GitHub Actions', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number
    updates: { 'package-ecosystem': string; directory: string }[]
  }
  expect(config.version).toBe(2)
  expect(config.updates.map((update) => [update['package-ecosystem'], update.directory]).sort()).toEqual([
    ['github-actions', '/'],
    ['npm', '/'],
  ])
})

describe('action.yml', () => {
  let dir: string

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'action-yml-'))
  })

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  test('passes action-validator (validated as node20: its schema does not know node24 yet)', async () => {
    // SchemaStore's github-action schema that @action-validator/cli 0.6 bundles predates the
    // node24 runtime, so a copy with `using: node20` is validated; the real value is checked
    // separately below. The copy must be named action.yml for the CLI to treat it as an action.
    const source = read('action.yml')
    expect(source).toMatch(/^ {2}using: node24$/m)
    const copy = path.join(dir, 'action.yml')
    await writeFile(copy, source.replace(/^( {2}using: )node24$/m, '$1node20'))
    expect(await validate(copy)).toEqual({ ok: true, output: '' })
  })

  test('runs on node24 from the bundle, with a post step that always runs', () => {
    const action = parse(read('action.yml')) as Json
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()',
    })
  })

  test('every input has a description and either is required or has a default; every output is described', () => {
    const { inputs, outputs } = actionMetadata()
    for (const [name, input] of Object.entries(inputs)) {
      expect({ name, described: Boolean(input.description?.trim()) }).toEqual({ name, described: true })
      expect({ name, defined: input.required === true || input.default !== undefined }).toEqual({ name, defined: true })
    }
    for (const [name, output] of Object.entries(outputs)) {
      expect({ name, described: Boolean(output.description?.trim()) }).toEqual({ name, described: true })
    }
  })
})
