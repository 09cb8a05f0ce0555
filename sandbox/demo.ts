// `npm run demo`: the whole flow of gitops-deploy-action on this machine, with nothing leaving
// it. Starts the stand-ins the end-to-end tests use (the real CNCF distribution registry with
// an Artifact-Registry-like token server, a git-backed GitHub API, GitHub OIDC / Google STS /
// IAM Credentials fakes) on 127.0.0.1, seeds a GitOps repository from examples/, builds a small
// OCI image, and runs the bundled dist/index.js twice exactly as a runner does: `mode: pr`
// with direct Workload Identity Federation, then `mode: push` impersonating a service account.
import { execFile } from 'node:child_process'
import { access, mkdir, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { type ActionRun, BUNDLE, PROJECT_ROOT, runAction } from '../test-support/action-runner.js'
import { type ReceivedRequest } from '../test-support/gcp/index.js'
import { type FakeGitHub } from '../test-support/github-api/server.js'
import { writeLayout } from '../test-support/oci/layout.js'
import { findRegistryBinary } from '../test-support/registry/launch.js'
import { type Stack, startStack } from '../test-support/stack.js'

const run = promisify(execFile)

/** The service repository whose workflow "runs" the action, and the GitOps repository it writes. */
const SERVICE_REPOSITORY = 'acme/backend'
const GITOPS = { owner: 'acme', repo: 'gitops' }
/** How the examples name the registry; the demo's registry lives on a loopback port instead. */
const EXAMPLE_REGISTRY = 'europe-docker.pkg.dev'
const TAG = '1.4.2'

const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
const bold = paint('1')
const dim = paint('2')
const green = paint('32')
const red = paint('31')
const cyan = paint('36')

const started = Date.now()
const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`
const say = (text = ''): void => console.log(text)
const ok = (text: string): void => say(`${green('✓')} ${text} ${dim(seconds())}`)
const heading = (text: string): void => say(`\n${bold(text)}`)

type Sandbox = Stack

interface DemoRun extends ActionRun {
  /** What the Google Cloud stand-ins received during the run (never tokens). */
  readonly auth: ReceivedRequest[]
}

async function main(): Promise<number> {
  say(bold('gitops-deploy-action demo') + dim(' — everything runs on 127.0.0.1; nothing leaves this machine'))
  if (!(await preflight())) return 1

  heading('1. Start the stand-ins')
  const sandbox = await startSandbox()
  try {
    heading('2. Seed the GitOps repository acme/gitops')
    await seedGitOps(sandbox)

    heading('3. Build a small OCI image (no Docker needed)')
    const image = `${sandbox.registry.host}/acme-prod/apps/backend:${TAG}`
    await buildImage(sandbox.workspace)

    heading(`4. Run the action: mode pr, direct Workload Identity Federation`)
    const pr = await runDemoAction(sandbox, {
      image,
      source: 'backend-image',
      manifests: 'apps/backend/',
      container: 'backend',
      mode: 'pr',
      'gitops-repository': `${GITOPS.owner}/${GITOPS.repo}`,
      token: sandbox.github.token,
      labels: 'deploy, backend',
      'workload-identity-provider': sandbox.gcp.provider,
      'sts-endpoint': sandbox.gcp.stsEndpoint,
      'iam-credentials-endpoint': sandbox.gcp.iamCredentialsEndpoint,
    })
    await report(sandbox, pr)

    heading('5. Run the action again: mode push, impersonating a service account')
    say(dim('  The same image: every blob is already in the registry, so nothing is uploaded twice.'))
    const push = await runDemoAction(sandbox, {
      image,
      source: 'backend-image',
      manifests: 'apps/backend/',
      container: 'backend',
      mode: 'push',
      'gitops-repository': `${GITOPS.owner}/${GITOPS.repo}`,
      token: sandbox.github.token,
      'workload-identity-provider': sandbox.gcp.provider,
      'service-account': sandbox.gcp.serviceAccount,
      'sts-endpoint': sandbox.gcp.stsEndpoint,
      'iam-credentials-endpoint': sandbox.gcp.iamCredentialsEndpoint,
    })
    await report(sandbox, push)

    heading('6. The GitOps repository now')
    const log = await sandbox.github.commits(sandbox.github.defaultBranch)
    for (const commit of log) {
      say(
        `  ${cyan(commit.sha.slice(0, 7))} ${commit.message.split('\n')[0] ?? ''} ${dim(`(${commit.committer.replace(/ <.*>$/, '')}${commit.verified ? ', Verified' : ''})`)}`,
      )
    }
    const problems = sandbox.github.takeValidationErrors()
    if (problems.length > 0)
      throw new Error(`The GitHub API stand-in saw requests GitHub would reject:\n${problems.join('\n')}`)
    say(
      dim(
        `  Every GitHub API request matched GitHub's OpenAPI description (${sandbox.github.requests.length} requests).`,
      ),
    )
    say(
      `\n${green('Done')} in ${seconds()}. Argo CD, watching acme/gitops, would now deploy ${bold(push.outputs['pinned-image'] ?? '')}.`,
    )
    return 0
  } finally {
    await sandbox.close()
  }
}

/** Says what to install instead of failing half-way. */
async function preflight(): Promise<boolean> {
  const missing: string[] = []
  if (findRegistryBinary() === undefined) {
    missing.push(
      'the CNCF distribution registry, which the demo runs on a loopback port:\n' +
        '    Debian/Ubuntu:  sudo apt-get install docker-registry   (installs /usr/bin/docker-registry)\n' +
        '    macOS:          brew install distribution              (installs `registry` on PATH)\n' +
        '    elsewhere:      REGISTRY_BINARY=/path/to/registry npm run demo',
    )
  }
  for (const [tool, purpose, apt] of [
    ['git', 'the GitHub API stand-in keeps the GitOps repository in a real git repository', 'git'],
    ['openssl', 'the registry token server signs with a certificate openssl creates', 'openssl'],
  ] as const) {
    if (!(await runs(tool, ['--version'])) && !(await runs(tool, ['version']))) {
      missing.push(`${tool}: ${purpose} (sudo apt-get install ${apt}, or brew install ${apt})`)
    }
  }
  try {
    await access(BUNDLE)
  } catch {
    missing.push(`the bundled action ${path.relative(process.cwd(), BUNDLE)}: run \`npm run build\``)
  }
  if (missing.length === 0) return true
  console.error(red('The demo cannot start. Missing:'))
  for (const item of missing) console.error(`  - ${item}`)
  return false
}

async function runs(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args)
    return true
  } catch {
    return false
  }
}

async function startSandbox(): Promise<Sandbox> {
  const sandbox = await startStack({
    github: { ...GITOPS, tokenUser: { login: 'acme-gitops-deployer[bot]', type: 'Bot', signsCommits: true } },
    gcp: {
      repository: SERVICE_REPOSITORY,
      poolId: 'github',
      providerId: 'acme-github',
      attributeCondition: (claims) => claims.repository_owner === 'acme',
    },
    // Artifact Registry's challenges often carry no `service`; the client must not need one.
    registry: { omitService: true },
  })
  const { registry, github, gcp } = sandbox
  ok(
    `registry        ${registry.host}  ${dim(`(${path.basename(findRegistryBinary() ?? 'registry')}, token auth like Artifact Registry)`)}`,
  )
  ok(`GitHub API      ${github.url}  ${dim("(git-backed, requests checked against GitHub's OpenAPI)")}`)
  ok(
    `Google STS      ${gcp.stsEndpoint}  ${dim('(Workload Identity provider ' + gcp.provider.replace(/^projects\/\d+\//, '…/') + ')')}`,
  )
  ok(`IAM Credentials ${gcp.iamCredentialsEndpoint}  ${dim('(and the GitHub OIDC token endpoint)')}`)
  return sandbox
}

/** The GitOps repository, assembled from the files under examples/ that the guides describe. */
async function seedGitOps({ github, registry }: Sandbox): Promise<void> {
  const layout: Record<string, string> = {
    'argocd/application.yaml': 'examples/argo-cd/application.yaml',
    'apps/backend/backend-deployment.yaml': 'examples/gitops/apps/backend/backend-deployment.yaml',
    'apps/backend/backend-service.yaml': 'examples/gitops/apps/backend/backend-service.yaml',
    'apps/backend/backend-external-secret.yaml': 'examples/external-secrets/external-secret.yaml',
    'apps/frontend/frontend-deployment.yaml': 'examples/gitops/apps/frontend/frontend-deployment.yaml',
    'apps/worker/worker-cronjob.yaml': 'examples/gitops/apps/worker/worker-cronjob.yaml',
    'platform/external-secrets/cluster-secret-store.yaml': 'examples/external-secrets/cluster-secret-store.yaml',
    'platform/external-secrets/service-account.yaml': 'examples/external-secrets/service-account.yaml',
  }
  const files: Record<string, string> = {
    'README.md':
      '# acme/gitops\n\nWhat runs in the acme clusters. Argo CD syncs `apps/` (see `argocd/application.yaml`).\n',
  }
  for (const [target, source] of Object.entries(layout)) {
    // The examples name europe-docker.pkg.dev; here the registry is the local stand-in.
    files[target] = (await readFile(path.join(PROJECT_ROOT, source), 'utf8')).replaceAll(
      `${EXAMPLE_REGISTRY}/`,
      `${registry.host}/`,
    )
  }
  await github.seed(files, { message: 'Initial GitOps repository' })
  for (const file of Object.keys(files).sort()) say(`  ${dim('│')} ${file}`)
  const backend = parse(files['apps/backend/backend-deployment.yaml'] ?? '') as {
    spec: { template: { spec: { containers: { name: string; image: string }[] } } }
  }
  const current = backend.spec.template.spec.containers.find((container) => container.name === 'backend')?.image ?? ''
  ok(
    `seeded ${github.owner}/${github.repo}; the backend runs ${cyan(current.replace(/@sha256:(\w{12})\w+/, '@sha256:$1…'))}`,
  )
}

async function buildImage(workspace: string): Promise<void> {
  const dir = path.join(workspace, 'backend-image')
  await mkdir(dir, { recursive: true })
  // Wrapped in an index with a provenance attestation, as `docker buildx build` does by default.
  const { digests } = await writeLayout(
    dir,
    [
      {
        layers: [
          { size: 512 * 1024, seed: 1 },
          { size: 128 * 1024, seed: 2 },
        ],
        refName: TAG,
      },
    ],
    {
      buildxAttestation: true,
    },
  )
  const entry = digests[0]
  ok(
    `OCI layout backend-image/ with tag ${TAG}, ${entry?.children?.length ?? 0} manifests in an index ${dim(entry?.digest.slice(0, 19) ?? '')}…`,
  )
}

/** Runs dist/index.js as the runner does (main step, then the post step), showing its phases live. */
async function runDemoAction(sandbox: Sandbox, inputs: Record<string, string>): Promise<DemoRun> {
  const firstRequest = sandbox.gcp.received.length
  const result = await runAction({
    inputs,
    repository: SERVICE_REPOSITORY,
    workspace: sandbox.workspace,
    githubToken: sandbox.github.token,
    env: {
      GITHUB_API_URL: sandbox.github.url,
      GITHUB_SERVER_URL: sandbox.github.serverUrl,
      // A job with `permissions: id-token: write` gets these two.
      ...sandbox.gcp.env(),
    },
    onLine: (line, step) => {
      if (line.startsWith('::group::')) say(`  ${cyan('▸')} ${line.slice('::group::'.length)} ${dim(seconds())}`)
      else if (line.startsWith('::error')) say(`  ${red('✗')} ${line.replace(/^::error[^:]*::/, '')}`)
      else if (line.startsWith('::warning')) say(`  ! ${line.replace(/^::warning[^:]*::/, '')}`)
      else if (step === 'main' && isStoryLine(line)) say(`      ${dim(line)}`)
    },
  })
  say(`  ${cyan('▸')} post step: clean up ${dim(seconds())}`)
  if (result.exitCode !== 0 || result.post.exitCode !== 0) {
    console.error(
      red(`\nThe action failed (main exit ${result.exitCode}, post exit ${result.post.exitCode}). Its output:`),
    )
    console.error(result.stdout + result.stderr + result.post.stdout + result.post.stderr)
    throw new Error('the action failed')
  }
  return { ...result, auth: sandbox.gcp.received.slice(firstRequest) }
}

async function report(sandbox: Sandbox, result: DemoRun): Promise<void> {
  const { outputs } = result
  say(`  ${bold('credentials')}   ${describeAuth(result.auth)}`)
  say(`  ${bold('digest')}        ${outputs.digest ?? ''}`)
  say(`  ${bold('pinned-image')}  ${outputs['pinned-image'] ?? ''}`)
  say(`  ${bold('changed-files')} ${outputs['changed-files'] ?? ''}`)
  const commit = outputs['commit-sha'] ?? ''
  say(`  ${bold('commit-sha')}    ${commit}`)
  if (outputs['pull-request-number']) {
    const pull = sandbox.github.pulls().find((candidate) => String(candidate.number) === outputs['pull-request-number'])
    say(`  ${bold('pull request')}  #${outputs['pull-request-number']} ${outputs['pull-request-url'] ?? ''}`)
    if (pull)
      say(
        dim(
          `                "${pull.title}", ${pull.head} → ${pull.base}, labels: ${pull.labels.join(', ') || 'none'}`,
        ),
      )
  }
  if (commit) {
    const verified = await commitVerified(sandbox.github, commit)
    say(
      `  ${bold('GitOps diff')}   ${dim(`(commit ${commit.slice(0, 7)}${verified ? ', signed by GitHub: Verified' : ''})`)}`,
    )
    const diff = await sandbox.github.git(['show', '--format=', '--unified=1', commit])
    for (const line of diff.trimEnd().split('\n')) say(`    ${colorDiff(line)}`)
  }
  const cleaned =
    result.leftovers.length === 0 ? 'no files left in RUNNER_TEMP' : `left behind: ${result.leftovers.join(', ')}`
  ok(`outputs written; post step done, ${cleaned}`)
}

async function commitVerified(github: FakeGitHub, sha: string): Promise<boolean> {
  for (const branch of [github.defaultBranch, ...github.pulls().map((pull) => pull.head)]) {
    const found = (await github.commits(branch)).find((commit) => commit.sha === sha)
    if (found) return found.verified
  }
  return false
}

/** The token exchanges of one run, e.g. "GitHub OIDC → STS exchange → IAM generateAccessToken (…)". */
function describeAuth(requests: readonly ReceivedRequest[]): string {
  const steps = requests.map((request) => {
    const status = request.status === 200 ? '' : ` (${request.status})`
    if (request.service === 'oidc') return `GitHub OIDC token${status}`
    if (request.service === 'sts') return `STS token exchange${status}`
    return `IAM generateAccessToken as ${request.serviceAccount ?? '?'}${status}`
  })
  return steps.length === 0 ? 'none' : steps.join(' → ')
}

/** The action's log lines worth showing under a phase: not workflow commands, diffs or per-blob progress. */
function isStoryLine(line: string): boolean {
  return line.trim() !== '' && !line.startsWith('::') && !/^([ +@-]|Blob |Manifest )/.test(line)
}

function colorDiff(line: string): string {
  if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index '))
    return dim(line)
  if (line.startsWith('+')) return green(line)
  if (line.startsWith('-')) return red(line)
  if (line.startsWith('@@')) return cyan(line)
  return line
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(red(`\nDemo failed: ${error instanceof Error ? error.message : String(error)}`))
    process.exitCode = 1
  },
)
