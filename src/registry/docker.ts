// The `docker` source: the image is in the local engine. The Docker CLI pushes it with
// credentials kept in a throw-away DOCKER_CONFIG (never the user's ~/.docker), and the registry,
// not the CLI, has the last word on the digest. Without credentials of its own the action leaves
// the user's Docker configuration alone (a login made by an earlier step still applies).
import * as core from '@actions/core'
import * as exec from '@actions/exec'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import * as path from 'node:path'
import type { RegistryCredentials } from './auth.js'
import type { ManifestDescriptor, RegistryClient } from './client.js'
import { RegistryError, role } from './errors.js'
import { maskSecret } from '../secrets.js'
import { type ImageReference, isDigest, normalizedRepository, parseImageReference } from '../image/reference.js'

const STATE_KEY = 'docker-config'
const CONFIG_PREFIX = 'gitops-deploy-docker-'

export interface DockerPushOptions {
  readonly image: ImageReference
  readonly tag: string
  readonly client: RegistryClient
  readonly credentials?: RegistryCredentials
}

export async function pushWithDocker(options: DockerPushOptions): Promise<ManifestDescriptor> {
  const { image, tag, client, credentials } = options
  const name = `${image.repository}:${tag}`
  const config = credentials === undefined ? undefined : await temporaryConfig()
  const env = { ...definedEnv(process.env), ...(config !== undefined && { DOCKER_CONFIG: config }) }
  let loggedIn = false
  try {
    if (credentials !== undefined) {
      const token = await credentials.getAccessToken()
      maskSecret(token)
      // The token goes in on stdin: arguments are visible in process listings and logs.
      const login = await exec.getExecOutput(
        'docker',
        ['login', image.registry, '--username', 'oauth2accesstoken', '--password-stdin'],
        {
          input: Buffer.from(token),
          env,
          ignoreReturnCode: true,
          silent: true,
        },
      )
      if (login.exitCode !== 0) {
        throw new RegistryError(
          `docker login ${image.registry} failed (exit code ${login.exitCode}): ${excerpt(login.stderr || login.stdout)}`,
        )
      }
      loggedIn = true
    } else {
      core.info(`No credentials configured: pushing ${name} with docker anonymously.`)
    }

    const push = await exec.getExecOutput('docker', ['push', name], { env, ignoreReturnCode: true })
    if (push.exitCode !== 0) {
      const output = push.stderr || push.stdout
      throw new RegistryError(
        `docker push ${name} failed (exit code ${push.exitCode}): ${excerpt(output)}${pushHint(output)}`,
      )
    }
    const pushed = parsePushOutput(push.stdout)
    try {
      return await confirm(client, name, tag, pushed)
    } catch (error) {
      // docker pushed with the job's own login (an earlier docker/login-action step), which the
      // action cannot reuse for its HEAD: the digest docker printed is the best it has.
      if (
        credentials !== undefined ||
        pushed === undefined ||
        !(error instanceof RegistryError) ||
        (error.status !== 401 && error.status !== 403)
      )
        throw error
      core.warning(
        `Cannot confirm ${pushed.digest} with ${image.registry} without credentials of the action's own; pinning the digest docker push reported.`,
      )
      return { digest: pushed.digest, mediaType: '', size: pushed.size }
    }
  } finally {
    if (loggedIn)
      await exec
        .exec('docker', ['logout', image.registry], { env, ignoreReturnCode: true, silent: true })
        .catch(() => 0)
    if (config !== undefined) await rm(config, { recursive: true, force: true })
  }
}

/**
 * A fresh DOCKER_CONFIG for the login. Which engine to talk to is also part of the Docker
 * configuration (`docker context`): that part of the user's configuration is carried over, so the
 * push reaches the engine that `docker image inspect` saw; their credentials are not.
 */
async function temporaryConfig(): Promise<string> {
  const config = await mkdtemp(path.join(process.env.RUNNER_TEMP || tmpdir(), CONFIG_PREFIX))
  // If the job is cancelled mid-push, the post step still finds and deletes it.
  core.saveState(STATE_KEY, config)
  const userConfig = process.env.DOCKER_CONFIG || path.join(homedir(), '.docker')
  let currentContext: unknown
  try {
    currentContext = (
      JSON.parse(await readFile(path.join(userConfig, 'config.json'), 'utf8')) as { currentContext?: unknown }
    ).currentContext
  } catch {
    return config
  }
  if (typeof currentContext === 'string' && currentContext !== '' && currentContext !== 'default') {
    await cp(path.join(userConfig, 'contexts'), path.join(config, 'contexts'), { recursive: true }).catch(
      () => undefined,
    )
    await writeFile(path.join(config, 'config.json'), JSON.stringify({ currentContext }))
  }
  return config
}

/** The digest the registry holds for what docker just pushed. */
async function confirm(
  client: RegistryClient,
  name: string,
  tag: string,
  pushed: { digest: string } | undefined,
): Promise<ManifestDescriptor> {
  const current = await client.resolve(tag)
  if (pushed === undefined) {
    if (current === undefined)
      throw new RegistryError(`docker push ${name} succeeded, but the registry has no tag ${tag}.`)
    core.warning(`docker push printed no digest line; using the registry's digest for ${tag}: ${current.digest}`)
    return current
  }
  if (current?.digest === pushed.digest) return current
  // Someone moved the tag between our push and our check: pin what we pushed, if it is there.
  const exact = await client.resolve(pushed.digest)
  if (exact === undefined) {
    throw new RegistryError(`docker push ${name} reported digest ${pushed.digest}, but the registry does not have it.`)
  }
  core.warning(
    `Tag ${tag} now points to ${current?.digest ?? 'nothing'}, not to the pushed ${pushed.digest}; pinning the pushed digest.`,
  )
  return exact
}

/** The last `TAG: digest: sha256:HEX size: N` line of `docker push` output. */
export function parsePushOutput(output: string): { tag: string; digest: string; size: number } | undefined {
  const matches = [...output.matchAll(/^(\S+): digest: (sha256:[a-f0-9]{64}) size: (\d+)\s*$/gm)]
  const last = matches.at(-1)
  if (last === undefined || !isDigest(last[2]!)) return undefined
  return { tag: last[1]!, digest: last[2]!, size: Number(last[3]) }
}

export interface LocalImage {
  readonly id?: string
  /** Digests the engine recorded for this image in the image's own repository. */
  readonly repoDigests: readonly string[]
}

/** `docker image inspect`, or undefined when the engine does not have the image. */
export async function inspectLocalImage(image: ImageReference, tag: string): Promise<LocalImage | undefined> {
  const name = `${image.repository}:${tag}`
  let result: exec.ExecOutput
  try {
    result = await exec.getExecOutput('docker', ['image', 'inspect', name], {
      env: definedEnv(process.env),
      ignoreReturnCode: true,
      silent: true,
    })
  } catch (error) {
    throw new RegistryError(
      `Cannot run docker (${(error as Error).message}). With source: docker the Docker CLI must be installed; otherwise use source: registry or an OCI layout path.`,
    )
  }
  if (result.exitCode !== 0) {
    if (/no such (image|object)/i.test(result.stderr)) return undefined
    throw new RegistryError(
      `docker image inspect ${name} failed (exit code ${result.exitCode}): ${excerpt(result.stderr || result.stdout)}`,
    )
  }
  let parsed: { Id?: unknown; RepoDigests?: unknown }[]
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed
  } catch {
    throw new RegistryError(`docker image inspect ${name} printed something other than JSON.`)
  }
  const entry = parsed[0]
  if (entry === undefined) return undefined
  const wanted = normalizedRepository(image)
  const repoDigests = (Array.isArray(entry.RepoDigests) ? entry.RepoDigests : []).filter((value): value is string => {
    if (typeof value !== 'string') return false
    try {
      const reference = parseImageReference(value)
      return reference.digest !== undefined && normalizedRepository(reference) === wanted
    } catch {
      return false
    }
  })
  return {
    ...(typeof entry.Id === 'string' && { id: entry.Id }),
    repoDigests: repoDigests.map((value) => parseImageReference(value).digest!),
  }
}

/** For the post step: deletes the temporary DOCKER_CONFIG if the main step could not. Idempotent. */
export async function removeDockerConfig(): Promise<void> {
  const config = core.getState(STATE_KEY)
  // Only ever delete a directory this action created.
  if (!config || !path.basename(config).startsWith(CONFIG_PREFIX)) return
  await rm(config, { recursive: true, force: true })
}

function pushHint(output: string): string {
  if (/denied|403|forbidden/i.test(output)) return ` The principal needs ${role('push')} on the repository.`
  if (/unauthorized|401|authentication required/i.test(output))
    return ' The registry did not accept the credentials; check the Google Cloud authentication inputs.'
  if (/does not exist locally|no such image|tag does not exist/i.test(output))
    return ' Build or tag the image under this name first (docker build -t IMAGE), or use source: registry or an OCI layout path.'
  return ''
}

function excerpt(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
  const tail = lines.slice(-3).join(' | ')
  return tail.length > 500 ? `${tail.slice(0, 500)}…` : tail || '(no output)'
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value
  return result
}
