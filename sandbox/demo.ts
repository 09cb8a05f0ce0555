// `npm run demo`: the whole loop of gitops-deploy-action on this machine, with nothing leaving
// it. Starts the stand-ins the end-to-end tests use (the real CNCF distribution registry with
// an Artifact-Registry-like token server, a git-backed GitHub API, GitHub OIDC / Google STS /
// IAM Credentials fakes) on 127.0.0.1, seeds a GitOps repository from examples/, builds a small
// OCI image, and runs the bundled dist/index.js exactly as a runner does: `mode: pr` with direct
// Workload Identity Federation, then `mode: push` impersonating a service account. Then it
// starts the Argo CD stand-in with the Application the GitOps repository declares and runs the
// verification step: a good image ends Synced and Healthy; an image whose pods crash-loop is
// found Degraded and reverted (`on-failure: revert`), failing the step. For those two runs it
// prints the outputs, what Argo CD and the GitOps repository really hold, and the job summary.
import { execFile } from 'node:child_process'
import { access, readFile } from 'node:fs/promises'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { type ActionRun, BUNDLE, PROJECT_ROOT, runAction } from '../test-support/action-runner.js'
import { type ArgoCdStandIn, startArgoCd } from '../test-support/argocd/server.js'
import { type ReceivedRequest } from '../test-support/gcp/index.js'
import { type FakeGitHub } from '../test-support/github-api/server.js'
import { writeLayout } from '../test-support/oci/layout.js'
import { findRegistryBinary } from '../test-support/registry/launch.js'
import { type Stack, startStack } from '../test-support/stack.js'
import { markdownToText } from './markdown-text.js'

const run = promisify(execFile)

/** The service repository whose workflow "runs" the action, and the GitOps repository it writes. */
const SERVICE_REPOSITORY = 'acme/backend'
const GITOPS = { owner: 'acme', repo: 'gitops' }
/** How the examples name the registry; the demo's registry lives on a loopback port instead. */
const EXAMPLE_REGISTRY = 'europe-docker.pkg.dev'
const EXAMPLE_GITHUB = 'https://github.com'
const TAG = '1.4.2'
/** Where the seeded GitOps repository declares its Argo CD Application (from examples/argo-cd/). */
const APPLICATION_FILE = 'argocd/application.yaml'
/**
 * Argo CD's timings, scaled down so the demo takes seconds: a sync of a few seconds, health
 * assessed a moment after it (one answer still shows the old pods), a rollout of a few seconds.
 * Git is polled every 3 minutes as Argo CD's default; the action asks for a refresh instead.
 */
const ARGO_TIMINGS = {
  pollIntervalMs: 180_000,
  syncDurationMs: 2_000,
  healthLagMs: 1_000,
  staleReads: 1,
  rolloutMs: 4_000,
}

const color = process.stdout.isTTY && !process.env.NO_COLOR
const paint = (code: string) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text)
const bold = paint('1')
const dim = paint('2')
const green = paint('32')
const red = paint('31')
const cyan = paint('36')
const yellow = paint('33')

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
    const repository = `${sandbox.registry.host}/acme-prod/apps/backend`
    const image = `${repository}:${TAG}`
    await buildImage(sandbox.workspace, 'backend-image', TAG, 1)

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
    const push = await runDemoAction(sandbox, pushInputs(sandbox, image, 'backend-image'))
    await report(sandbox, push)

    heading('6. Start the Argo CD stand-in')
    const argo = await startArgo(sandbox)
    try {
      heading('7. Verify with Argo CD: a good image ends Synced and Healthy')
      const good = await buildImage(sandbox.workspace, 'backend-1.5.0', '1.5.0', 10)
      say(dim(`  The push-mode inputs of step 5, plus: ${describeInputs(verifyInputs(argo))}`))
      const verified = await runDemoAction(sandbox, {
        ...pushInputs(sandbox, `${repository}:1.5.0`, 'backend-1.5.0'),
        ...verifyInputs(argo),
      })
      checkNoArgoToken(argo, verified)
      await reportVerification(sandbox, argo, verified)
      if (verified.outputs.verified !== 'true') throw new Error(`Argo CD did not verify ${good.slice(0, 19)}…`)

      heading('8. Verify with Argo CD: a crash-looping image is found Degraded and reverted')
      const crashing = await buildImage(sandbox.workspace, 'backend-1.5.1', '1.5.1', 20)
      argo.stand.crash(crashing)
      say(
        `  ${yellow('!')} The Argo CD stand-in now makes pods of images with ${cyan(crashing.slice(0, 19) + '…')} crash-loop.`,
      )
      const reverted = await runDemoAction(
        sandbox,
        { ...pushInputs(sandbox, `${repository}:1.5.1`, 'backend-1.5.1'), ...verifyInputs(argo) },
        { expectFailure: true },
      )
      checkNoArgoToken(argo, reverted)
      await reportVerification(sandbox, argo, reverted)
      if (reverted.outputs.verified !== 'false' || !reverted.outputs['reverted-commit-sha'])
        throw new Error(`the crash-looping ${crashing.slice(0, 19)}… was not found out and reverted`)

      heading('9. The GitOps repository now')
      await showHistory(sandbox)
      const running = await argoApplication(argo)
      say(
        `\n${green('Done')} in ${seconds()}. Argo CD runs ${bold(running.status.summary.images.find((ref) => ref.includes('/backend:')) ?? '?')} ` +
          `(${running.status.sync.status} at ${running.status.sync.revision.slice(0, 7)}, ${running.status.health.status}).`,
      )
      return 0
    } finally {
      await argo.stand.close()
    }
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
    // The examples name europe-docker.pkg.dev and github.com; here both are local stand-ins.
    files[target] = (await readFile(path.join(PROJECT_ROOT, source), 'utf8'))
      .replaceAll(`${EXAMPLE_REGISTRY}/`, `${registry.host}/`)
      .replaceAll(`${EXAMPLE_GITHUB}/`, `${github.serverUrl}/`)
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

/** An OCI layout `dir` under the workspace holding `tag`; returns the image's (index) digest. */
async function buildImage(workspace: string, dir: string, tag: string, seed: number): Promise<string> {
  // Wrapped in an index with a provenance attestation, as `docker buildx build` does by default.
  const { digests } = await writeLayout(
    path.join(workspace, dir),
    [
      {
        layers: [
          { size: 512 * 1024, seed },
          { size: 128 * 1024, seed: seed + 1 },
        ],
        refName: tag,
      },
    ],
    { buildxAttestation: true },
  )
  const entry = digests[0]
  if (entry === undefined) throw new Error(`no image written to ${dir}`)
  ok(
    `OCI layout ${dir}/ with tag ${tag}, ${entry.children?.length ?? 0} manifests in an index ${dim(entry.digest.slice(0, 19))}…`,
  )
  return entry.digest
}

/** Inputs of the push-mode step: impersonating the deployer service account. */
function pushInputs(sandbox: Sandbox, image: string, source: string): Record<string, string> {
  return {
    image,
    source,
    manifests: 'apps/backend/',
    container: 'backend',
    mode: 'push',
    'gitops-repository': `${GITOPS.owner}/${GITOPS.repo}`,
    token: sandbox.github.token,
    'workload-identity-provider': sandbox.gcp.provider,
    'service-account': sandbox.gcp.serviceAccount,
    'sts-endpoint': sandbox.gcp.stsEndpoint,
    'iam-credentials-endpoint': sandbox.gcp.iamCredentialsEndpoint,
  }
}

/** The verification inputs: the same for the good and the crash-looping image, as in one workflow. */
function verifyInputs(argo: DemoArgo): Record<string, string> {
  return {
    'argocd-server': argo.stand.url,
    'argocd-application': argo.applicationRef,
    'argocd-token': argo.stand.token,
    'verify-timeout': '2m',
    'on-failure': 'revert',
  }
}

/** `name: value, …`, the Argo CD token shown as the runner would show a secret. */
function describeInputs(inputs: Record<string, string>): string {
  return Object.entries(inputs)
    .map(([name, value]) => `${name}: ${name.endsWith('-token') ? '***' : value}`)
    .join(', ')
}

interface DemoArgo {
  readonly stand: ArgoCdStandIn
  readonly applicationName: string
  /** `NAME`, or `NAMESPACE/NAME` outside Argo CD's own namespace, as `argocd-application` takes it. */
  readonly applicationRef: string
}

interface ApplicationFile {
  metadata: { name: string; namespace?: string }
  spec: {
    source: { repoURL: string; path: string; targetRevision: string }
    destination?: { namespace?: string }
    syncPolicy?: { automated?: unknown }
  }
}

/** Argo CD with the Application the GitOps repository declares, deployed long ago at today's head. */
async function startArgo(sandbox: Sandbox): Promise<DemoArgo> {
  const { github } = sandbox
  const declared = parse((await github.readFile(github.defaultBranch, APPLICATION_FILE)) ?? '') as ApplicationFile
  const { metadata, spec } = declared
  const namespace = metadata.namespace ?? 'argocd'
  const stand = await startArgoCd({
    github,
    applications: [
      {
        name: metadata.name,
        namespace,
        source: spec.source,
        automated: spec.syncPolicy?.automated !== undefined,
        ...(spec.destination?.namespace !== undefined && { destinationNamespace: spec.destination.namespace }),
      },
    ],
    ...ARGO_TIMINGS,
  })
  ok(
    `Argo CD API     ${stand.url}  ${dim(`(application ${metadata.name} from ${APPLICATION_FILE}: ${spec.source.path}/ of ${spec.source.targetRevision}, automated sync)`)}`,
  )
  const argo = {
    stand,
    applicationName: metadata.name,
    applicationRef: namespace === 'argocd' ? metadata.name : `${namespace}/${metadata.name}`,
  }
  const app = await argoApplication(argo)
  say(
    dim(
      `  Timings scaled down: sync ${ARGO_TIMINGS.syncDurationMs / 1000}s, rollout ${ARGO_TIMINGS.rolloutMs / 1000}s, health assessed ${ARGO_TIMINGS.healthLagMs / 1000}s after a sync. ` +
        `Now: ${app.status.sync.status} at ${app.status.sync.revision.slice(0, 7)}, ${app.status.health.status}.`,
    ),
  )
  return argo
}

interface ArgoApplication {
  status: {
    sync: { status: string; revision: string }
    health: { status: string }
    resources: { kind: string; name: string; health?: { status: string; message?: string } }[]
    summary: { images: string[] }
    history: { revision: string }[]
  }
}

/** The Application as Argo CD's API answers it now, read as any client would. */
async function argoApplication(argo: DemoArgo): Promise<ArgoApplication> {
  const response = await fetch(
    `${argo.stand.url}/api/v1/applications/${encodeURIComponent(argo.applicationName)}?refresh=normal`,
    { headers: { authorization: `Bearer ${argo.stand.token}` } },
  )
  if (!response.ok) throw new Error(`Argo CD stand-in answered HTTP ${response.status}: ${await response.text()}`)
  return (await response.json()) as ArgoApplication
}

function checkNoArgoToken(argo: DemoArgo, result: DemoRun): void {
  const visible = [result.log, result.stderr, result.summary, JSON.stringify(result.outputs), result.post.stdout]
  if (visible.some((text) => text.includes(argo.stand.token)))
    throw new Error('the Argo CD token showed in the log, the job summary or the outputs')
}

/**
 * Runs dist/index.js as the runner does (main step, then the post step), showing its phases live.
 * A failing main step is what `expectFailure` runs are about; anything else failing ends the demo.
 */
async function runDemoAction(
  sandbox: Sandbox,
  inputs: Record<string, string>,
  { expectFailure = false } = {},
): Promise<DemoRun> {
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
      else if (line.startsWith('::error')) say(`  ${red('✗')} ${unescapeCommand(line.replace(/^::error[^:]*::/, ''))}`)
      else if (line.startsWith('::warning')) say(`  ! ${unescapeCommand(line.replace(/^::warning[^:]*::/, ''))}`)
      else if (step === 'main' && isStoryLine(line)) say(`      ${dim(line)}`)
    },
  })
  say(`  ${cyan('▸')} post step: clean up ${dim(seconds())}`)
  const mainFailed = result.exitCode !== 0
  if (mainFailed !== expectFailure || result.post.exitCode !== 0) {
    console.error(
      red(
        `\nThe action ${expectFailure ? 'did not fail as it should' : 'failed'} (main exit ${result.exitCode}, post exit ${result.post.exitCode}). Its output:`,
      ),
    )
    console.error(result.stdout + result.stderr + result.post.stdout + result.post.stderr)
    throw new Error(expectFailure ? 'the action did not fail' : 'the action failed')
  }
  const leaked = sandbox.leakedSecrets(result)
  if (leaked.length > 0) throw new Error(`${leaked.length} secret(s) showed in the log, the job summary or the outputs`)
  return { ...result, auth: sandbox.gcp.received.slice(firstRequest) }
}

/** A workflow command's message as the runner shows it. */
function unescapeCommand(message: string): string {
  return message.replace(/%0D/g, '').replace(/%0A/g, '\n    ').replace(/%25/g, '%')
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

/** What verification reported, what Argo CD and the GitOps repository hold now, and the job summary. */
async function reportVerification(sandbox: Sandbox, argo: DemoArgo, result: DemoRun): Promise<void> {
  const { outputs } = result
  const failed = result.exitCode !== 0
  say(
    `  ${bold('step')}                ${failed ? red(`failed, exit code ${result.exitCode}, with the error (✗) above`) : green('succeeded')}`,
  )
  for (const name of ['commit-sha', 'verified', 'health', 'synced-revision', 'reverted-commit-sha'] as const) {
    say(`  ${bold(name.padEnd(19))} ${outputs[name] || dim('(empty)')}`)
  }
  const revert = outputs['reverted-commit-sha']
  if (revert) {
    const [message = ''] = (await sandbox.github.git(['log', '-1', '--format=%B', revert])).split('\n')
    const parent = (await sandbox.github.git(['log', '-1', '--format=%P', revert])).trim()
    say(
      `  ${bold('revert commit')}       ${cyan(revert.slice(0, 7))} ${message} ${dim(parent === outputs['commit-sha'] ? "(right on top of this run's commit)" : `(parent ${parent.slice(0, 7)}, not this run's commit)`)}`,
    )
    const diff = await sandbox.github.git(['show', '--format=', '--unified=0', revert])
    for (const line of diff.trimEnd().split('\n')) {
      if (!/^(diff|index) /.test(line)) say(`    ${colorDiff(line)}`)
    }
  }
  const app = (await argoApplication(argo)).status
  const branch = sandbox.github.defaultBranch
  const head = await sandbox.github.headSha(branch)
  const backend = app.resources.find((resource) => resource.kind === 'Deployment' && resource.name === 'backend')
  const running = app.summary.images.find((image) => image.includes('/backend:')) ?? '?'
  say(
    `  ${bold('Argo CD now')}         ${argo.applicationName}: ${app.sync.status} at ${app.sync.revision.slice(0, 7)}` +
      `${app.sync.revision === head ? ` (the head of ${branch})` : ''}, ${colorHealth(app.health.status)}; ` +
      `Deployment backend ${colorHealth(backend?.health?.status ?? '?')} running ${running.replace(/.*\//, '').replace(/(@sha256:\w{12})\w+/, '$1…')}`,
  )
  say(`  ${bold('job summary')}         ${dim('(what the step wrote to GITHUB_STEP_SUMMARY, as text)')}`)
  const style = { bold, dim, code: cyan, added: green, removed: red }
  for (const line of markdownToText(result.summary, style)) say(`    ${dim('│')} ${line}`)
}

function colorHealth(status: string): string {
  return status === 'Healthy' ? green(status) : status === 'Degraded' ? red(status) : yellow(status)
}

/** The commits on the base branch, newest first, after checking every request the stand-in saw. */
async function showHistory(sandbox: Sandbox): Promise<void> {
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
