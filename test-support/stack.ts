// Every stand-in a full run talks to, started together on loopback: the git-backed GitHub
// API, the Actions OIDC endpoint with Google STS and IAM Credentials, and the real
// distribution registry whose token server accepts only access tokens those fakes issued.
// Used by the end-to-end tests, the demo and the benchmark.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { type ActionRun, runAction } from './action-runner.js'
import { type GoogleCloudFakes, type GoogleCloudFakesOptions, startGoogleCloudFakes } from './gcp/index.js'
import { type FakeGitHub, type FakeGitHubOptions, startFakeGitHub } from './github-api/server.js'
import { type ImageSpec, type LayoutEntry, type LayoutOptions, writeLayout } from './oci/layout.js'
import { type RegistryOptions, type RegistryStandIn, startRegistry } from './registry/launch.js'

export interface StackOptions {
  readonly github?: FakeGitHubOptions
  readonly gcp?: GoogleCloudFakesOptions
  readonly registry?: Omit<RegistryOptions, 'validateAccessToken'>
}

export interface Stack {
  readonly github: FakeGitHub
  readonly gcp: GoogleCloudFakes
  readonly registry: RegistryStandIn
  /** GITHUB_WORKSPACE of the runs: where OCI layouts are written. */
  readonly workspace: string
  /** The repository the workflow runs in (owner/name), as the OIDC token says. */
  readonly serviceRepository: string
  /** Environment of a job with `id-token: write` against these stand-ins. */
  env(): Record<string, string>
  /** Inputs every run shares: GitOps repository, its token, and keyless Google Cloud auth. */
  inputs(overrides?: Record<string, string>): Record<string, string>
  /** `HOST/PATH` of an image repository in the registry. */
  repository(path: string): string
  /** Runs dist/index.js with `inputs(overrides)` in a job of the service repository. */
  run(overrides: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>
  /**
   * Secrets that show in what a run printed or wrote (the log without its `::add-mask::`
   * commands, the summary, the outputs, the post step): the GitHub token, any token the Google
   * fakes issued, any JWT. Empty when the run kept them all hidden.
   */
  leakedSecrets(result: ActionRun): string[]
  /** Writes an OCI layout under the workspace; returns its workspace-relative path and entries. */
  layout(
    name: string,
    images: ImageSpec[],
    options?: LayoutOptions,
  ): Promise<{ source: string; entries: LayoutEntry[] }>
  close(): Promise<void>
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const serviceRepository = options.gcp?.repository ?? 'acme/backend'
  const closers: (() => Promise<void>)[] = []
  try {
    const workspace = await mkdtemp(path.join(tmpdir(), 'gda-workspace-'))
    closers.push(() => rm(workspace, { recursive: true, force: true }))
    const github = await startFakeGitHub(options.github)
    closers.push(() => github.close())
    const gcp = await startGoogleCloudFakes({ repository: serviceRepository, ...options.gcp })
    closers.push(() => gcp.close())
    const registry = await startRegistry({
      ...options.registry,
      validateAccessToken: (token) => gcp.isValidAccessToken(token) !== undefined,
    })
    closers.push(() => registry.close())

    const env = (): Record<string, string> => ({
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.serverUrl,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: serviceRepository,
      ...gcp.env(),
    })
    const inputs = (overrides: Record<string, string> = {}): Record<string, string> => ({
      token: github.token,
      'gitops-repository': `${github.owner}/${github.repo}`,
      'workload-identity-provider': gcp.provider,
      'sts-endpoint': gcp.stsEndpoint,
      'iam-credentials-endpoint': gcp.iamCredentialsEndpoint,
      ...overrides,
    })
    return {
      github,
      gcp,
      registry,
      workspace,
      serviceRepository,
      env,
      inputs,
      run: (overrides, extraEnv = {}) =>
        runAction({
          inputs: inputs(overrides),
          env: { ...env(), ...extraEnv },
          githubToken: github.token,
          repository: serviceRepository,
        }),
      leakedSecrets: (result) => {
        const visible = [
          result.log,
          result.stderr,
          result.summary,
          JSON.stringify(result.outputs),
          result.post.stdout,
          result.post.stderr,
        ].join('\n')
        const secrets = [github.token, ...gcp.tokens.issuedTokens()].filter((secret) => visible.includes(secret))
        return [...secrets, ...(visible.match(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]*/g) ?? [])]
      },
      repository: (imagePath) => `${registry.host}/${imagePath}`,
      layout: async (name, images, layoutOptions) => {
        const { digests } = await writeLayout(path.join(workspace, name), images, layoutOptions)
        return { source: name, entries: digests }
      },
      close: async () => {
        for (const close of closers.reverse()) await close()
      },
    }
  } catch (error) {
    for (const close of closers.reverse()) await close()
    throw error
  }
}
