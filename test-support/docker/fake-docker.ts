// A stand-in for the `docker` CLI in tests, where no Docker engine exists. It covers what
// the action runs: `login --password-stdin`, `push`, `image inspect`, `logout`, `version`.
// installFakeDocker (install.ts) bundles this file into an executable named `docker`;
// importing it would run it.
//
// Environment:
//   FAKE_DOCKER_IMAGES  JSON file {"HOST/REPO:TAG": "/layout/dir" | "/layout/dir:refName"}:
//                       the "local images" `push` uploads (with skopeo) and `image inspect` knows
//   FAKE_DOCKER_LOG     JSON-lines file: one line per invocation (arguments with passwords
//                       redacted, which config dir was used and whether it is a temporary one)
//   FAKE_DOCKER_STATE   JSON file remembering pushed digests (default: FAKE_DOCKER_IMAGES + .state.json)
//   FAKE_DOCKER_SKOPEO  skopeo binary (default `skopeo` on PATH)
//   DOCKER_CONFIG       where config.json lives, as with the real CLI (or the --config flag).
//                       Unlike the real CLI, the fake refuses to write ~/.docker unless
//                       FAKE_DOCKER_ALLOW_HOME=1: a test must never touch the user's credentials.
import { spawn } from 'node:child_process'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import * as path from 'node:path'

const VERSION = '27.3.1'
const REF_NAME = 'org.opencontainers.image.ref.name'

class ExitError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message)
  }
}

interface LogEntry {
  args: string[]
  command?: string
  dockerConfig?: string
  dockerConfigExplicit?: boolean
  dockerConfigIsTemp?: boolean
  exitCode?: number
}

interface DockerConfig {
  auths?: Record<string, { auth?: string }>
  [key: string]: unknown
}

interface ImageRef {
  /** HOST/PATH as written, without tag. */
  repository: string
  tag: string
  host: string
  path: string
}

interface Descriptor {
  mediaType: string
  digest: string
  annotations?: Record<string, string>
}

const logEntry: LogEntry = { args: redact(process.argv.slice(2)) }

async function main(argv: string[]): Promise<number> {
  try {
    const { configDir, explicit, rest } = globalOptions(argv)
    logEntry.dockerConfig = configDir
    logEntry.dockerConfigExplicit = explicit
    logEntry.dockerConfigIsTemp = isTemporary(configDir)
    return await dispatch(rest, configDir)
  } catch (error) {
    if (error instanceof ExitError) {
      if (error.message !== '') process.stderr.write(`${error.message}\n`)
      return error.code
    }
    process.stderr.write(`fake docker: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
}

void main(process.argv.slice(2)).then((exitCode) => {
  logEntry.exitCode = exitCode
  const log = process.env.FAKE_DOCKER_LOG
  if (log) appendFileSync(log, `${JSON.stringify(logEntry)}\n`)
  process.exitCode = exitCode
})

function globalOptions(args: string[]): { configDir: string; explicit: boolean; rest: string[] } {
  let configDir = process.env.DOCKER_CONFIG || undefined
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--config') configDir = args[++i]
    else if (arg.startsWith('--config=')) configDir = arg.slice('--config='.length)
    else if (arg === '-D' || arg === '--debug') continue
    else break
  }
  const explicit = configDir !== undefined
  return { configDir: path.resolve(configDir ?? path.join(homedir(), '.docker')), explicit, rest: args.slice(i) }
}

async function dispatch(args: string[], configDir: string): Promise<number> {
  const [command, ...rest] = args
  logEntry.command = command
  switch (command) {
    case 'login':
      return login(rest, configDir)
    case 'logout':
      return logout(rest, configDir)
    case 'push':
      return push(rest, configDir)
    case 'image':
      if (rest[0] === 'inspect') return inspect(rest.slice(1))
      if (rest[0] === 'push') return push(rest.slice(1), configDir)
      break
    case 'inspect':
      return inspect(rest)
    case 'version':
      return version(rest)
    case '--version':
    case '-v':
      process.stdout.write(`Docker version ${VERSION}, build fake\n`)
      return 0
  }
  throw new ExitError(`fake docker: unsupported command: docker ${args.join(' ')}`)
}

// ---- login / logout -------------------------------------------------------------------

async function login(args: string[], configDir: string): Promise<number> {
  let registry: string | undefined
  let username: string | undefined
  let password: string | undefined
  let passwordStdin = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '-u' || arg === '--username') username = args[++i]
    else if (arg.startsWith('--username=')) username = arg.slice('--username='.length)
    else if (arg === '-p' || arg === '--password') password = args[++i]
    else if (arg.startsWith('--password=')) password = arg.slice('--password='.length)
    else if (arg === '--password-stdin') passwordStdin = true
    else if (arg.startsWith('-')) throw new ExitError(`unknown flag: ${arg}\nSee 'docker login --help'.`, 125)
    else registry = arg
  }
  if (registry === undefined) throw new ExitError('fake docker: login needs a registry (Docker Hub is not faked)')
  if (password !== undefined && passwordStdin)
    throw new ExitError('--password and --password-stdin are mutually exclusive')
  if (password !== undefined)
    process.stderr.write('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n')
  if (passwordStdin) {
    if (username === undefined) throw new ExitError('Must provide --username with --password-stdin')
    password = (await readStdin()).replace(/\n$/, '').replace(/\r$/, '')
  }
  if (username === undefined || password === undefined) {
    throw new ExitError('Error: Cannot perform an interactive login from a non TTY device')
  }
  const host = normalizeRegistry(registry)

  await verifyLogin(host, username, password)

  const config = readConfig(configDir)
  config.auths ??= {}
  config.auths[host] = { auth: Buffer.from(`${username}:${password}`).toString('base64') }
  writeConfig(configDir, config)
  process.stderr.write(
    `WARNING! Your password will be stored unencrypted in ${path.join(configDir, 'config.json')}.\n` +
      'Configure a credential helper to remove this warning. See\n' +
      'https://docs.docker.com/engine/reference/commandline/login/#credentials-store\n\n',
  )
  process.stdout.write('Login Succeeded\n')
  return 0
}

/** What dockerd does on login: ping /v2/, follow the challenge, fetch a token with the credentials. */
async function verifyLogin(host: string, username: string, password: string): Promise<void> {
  const base = `${schemeFor(host)}://${host}`
  const fail = (reason: string): ExitError => new ExitError(`Error response from daemon: Get "${base}/v2/": ${reason}`)
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
  let ping: Response
  try {
    ping = await fetch(`${base}/v2/`)
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    throw fail(`dial tcp ${host}: ${cause?.code ?? String(error)}`)
  }
  if (ping.status === 200) return
  const challenge = ping.headers.get('www-authenticate') ?? ''
  let answer: Response
  if (/^Bearer/i.test(challenge)) {
    const params = challengeParams(challenge)
    const url = new URL(params.realm ?? `${base}/v2/token`)
    url.searchParams.set('account', username)
    url.searchParams.set('client_id', 'docker')
    url.searchParams.set('offline_token', 'true')
    if (params.service !== undefined) url.searchParams.set('service', params.service)
    answer = await fetch(url, { headers: { authorization: basic } })
  } else {
    answer = await fetch(`${base}/v2/`, { headers: { authorization: basic } })
  }
  if (answer.status === 200) return
  let message = 'unauthorized: incorrect username or password'
  try {
    const body = JSON.parse(await answer.text()) as { errors?: { message?: string }[] }
    const detail = body.errors?.[0]?.message
    if (detail !== undefined) message = `unauthorized: ${detail}`
  } catch {
    // not JSON: keep Docker's generic message
  }
  throw fail(message)
}

function logout(args: string[], configDir: string): number {
  const registry = args.find((a) => !a.startsWith('-'))
  if (registry === undefined) throw new ExitError('fake docker: logout needs a registry (Docker Hub is not faked)')
  const host = normalizeRegistry(registry)
  const config = readConfig(configDir)
  if (config.auths?.[host] === undefined) {
    process.stdout.write(`Not logged in to ${host}\n`)
    return 0
  }
  process.stdout.write(`Removing login credentials for ${host}\n`)
  delete config.auths[host]
  writeConfig(configDir, config)
  return 0
}

// ---- push -------------------------------------------------------------------------------

async function push(args: string[], configDir: string): Promise<number> {
  let quiet = false
  let image: string | undefined
  for (const arg of args) {
    if (arg === '-q' || arg === '--quiet') quiet = true
    else if (arg === '-a' || arg === '--all-tags') throw new ExitError('fake docker: push --all-tags is not supported')
    else if (arg.startsWith('-')) throw new ExitError(`unknown flag: ${arg}\nSee 'docker push --help'.`, 125)
    else image = arg
  }
  if (image === undefined) throw new ExitError('"docker push" requires exactly 1 argument.')
  const ref = parseImage(image)
  const source = localImage(ref)
  if (source === undefined) throw new ExitError(`An image does not exist locally with the tag: ${ref.repository}`)

  if (!quiet) process.stdout.write(`The push refers to repository [${ref.repository}]\n`)
  // skopeo reads Docker's config.json format as an auth file: the password never reaches argv.
  const loggedIn = readConfig(configDir).auths?.[ref.host] !== undefined
  const authArgs = loggedIn ? ['--dest-authfile', path.join(configDir, 'config.json')] : ['--dest-no-creds']

  const work = mkdtempSync(path.join(tmpdir(), 'fake-docker-'))
  try {
    const digestFile = path.join(work, 'digest')
    const result = await runSkopeo([
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      '--digestfile',
      digestFile,
      ...authArgs,
      `oci:${source}`,
      `docker://${ref.host}/${ref.path}:${ref.tag}`,
    ])
    const blobs = [...result.stdout.matchAll(/^Copying blob (sha256:[0-9a-f]{64})/gm)].map((m) => m[1] ?? '')
    if (!quiet) for (const blob of blobs) process.stdout.write(`${blob.slice(7, 19)}: Preparing\n`)
    if (result.code !== 0) throw new ExitError(pushError(result.stderr))
    if (!quiet) for (const blob of blobs) process.stdout.write(`${blob.slice(7, 19)}: Pushed\n`)

    const digest = readFileSync(digestFile, 'utf8').trim()
    // --preserve-digests guarantees the registry holds the layout's bytes: their size is Docker's `size`.
    const size = statSync(path.join(layoutDir(source), 'blobs', 'sha256', digest.slice('sha256:'.length))).size
    rememberDigest(ref, digest)
    process.stdout.write(quiet ? `${ref.repository}:${ref.tag}\n` : `${ref.tag}: digest: ${digest} size: ${size}\n`)
    return 0
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** Docker's wording for the failures a push meets; skopeo's last line otherwise. */
function pushError(stderr: string): string {
  if (/denied/.test(stderr)) return 'denied: requested access to the resource is denied'
  if (/unauthorized|authentication required/.test(stderr)) return 'unauthorized: authentication required'
  const lines = stderr.trim().split('\n')
  return lines[lines.length - 1] || 'push failed'
}

function runSkopeo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.FAKE_DOCKER_SKOPEO || 'skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// ---- image inspect ------------------------------------------------------------------------

interface ImageObject {
  Id: string
  RepoTags: string[]
  RepoDigests: string[]
  Architecture: string
  Os: string
}

function inspect(args: string[]): number {
  let format: string | undefined
  const names: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '-f' || arg === '--format') format = args[++i]
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length)
    else if (arg === '--type') i++
    else if (!arg.startsWith('-')) names.push(arg)
  }
  const objects: ImageObject[] = []
  for (const name of names) {
    const ref = parseImage(name)
    const source = localImage(ref)
    if (source === undefined) throw new ExitError(`Error: No such image: ${name}`)
    objects.push(imageObject(ref, source))
  }
  if (format === undefined) process.stdout.write(`${JSON.stringify(objects, null, 4)}\n`)
  else for (const object of objects) process.stdout.write(`${renderTemplate(format, object)}\n`)
  return 0
}

function imageObject(ref: ImageRef, source: string): ImageObject {
  const dir = layoutDir(source)
  const refName = source.slice(dir.length + 1) || undefined
  const blob = <T>(digest: string): T =>
    JSON.parse(readFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), 'utf8')) as T
  const index = JSON.parse(readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] }
  const entry = index.manifests.find((m) => refName === undefined || m.annotations?.[REF_NAME] === refName)
  if (entry === undefined) throw new ExitError(`Error: No such image: ${ref.repository}:${ref.tag}`)
  let id = entry.digest
  let platform: { architecture?: string; os?: string } = {}
  if (entry.mediaType === 'application/vnd.oci.image.manifest.v1+json') {
    id = blob<{ config: Descriptor }>(entry.digest).config.digest
    platform = blob(id)
  }
  return {
    Id: id,
    RepoTags: [`${ref.repository}:${ref.tag}`],
    RepoDigests: pushedDigests(ref),
    Architecture: platform.architecture ?? 'amd64',
    Os: platform.os ?? 'linux',
  }
}

/** The few Go template forms scripts use on `docker image inspect`. */
function renderTemplate(format: string, object: ImageObject): string {
  return format.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    let match: RegExpExecArray | null
    if (expression === 'json .') return JSON.stringify(object)
    if ((match = /^json \.(\w+)$/.exec(expression))) return JSON.stringify(field(object, match[1] ?? ''))
    if ((match = /^index \.(\w+) (\d+)$/.exec(expression))) {
      const list = field(object, match[1] ?? '')
      const value = Array.isArray(list) ? (list[Number(match[2])] as string | undefined) : undefined
      if (value === undefined)
        throw new ExitError(
          `template: :1:2: executing "" at <index .${match[1]} ${match[2]}>: error calling index: index out of range: ${match[2]}`,
        )
      return value
    }
    if ((match = /^join \.(\w+) "(.*)"$/.exec(expression))) {
      const list = field(object, match[1] ?? '')
      return Array.isArray(list) ? list.join(match[2]) : String(list)
    }
    if ((match = /^\.(\w+)$/.exec(expression))) {
      const value = field(object, match[1] ?? '')
      return Array.isArray(value) ? `[${value.join(' ')}]` : String(value)
    }
    throw new ExitError(`fake docker: template not supported: {{${expression}}}`)
  })
}

function field(object: ImageObject, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase()) as keyof ImageObject | undefined
  if (key === undefined) throw new ExitError(`template: :1: can't evaluate field ${name}`)
  return object[key]
}

function version(args: string[]): number {
  const formatAt = args.findIndex((a) => a === '-f' || a === '--format')
  const info: Record<string, Record<string, string>> = {
    Client: { Version: VERSION, APIVersion: '1.47' },
    Server: { Version: VERSION, APIVersion: '1.47' },
  }
  if (formatAt >= 0) {
    const format = args[formatAt + 1] ?? ''
    process.stdout.write(
      `${format.replace(/\{\{\s*\.(\w+)\.(\w+)\s*\}\}/g, (_, a: string, b: string) => info[a]?.[b] ?? '')}\n`,
    )
  } else {
    process.stdout.write(
      `Client:\n Version:           ${VERSION}\n\nServer: Fake Engine\n Engine:\n  Version:          ${VERSION}\n`,
    )
  }
  return 0
}

// ---- helpers --------------------------------------------------------------------------------

function parseImage(image: string): ImageRef {
  const at = image.indexOf('@')
  const withoutDigest = at >= 0 ? image.slice(0, at) : image
  const slash = withoutDigest.indexOf('/')
  const colon = withoutDigest.lastIndexOf(':')
  const hasTag = colon > slash
  const repository = hasTag ? withoutDigest.slice(0, colon) : withoutDigest
  const tag = hasTag ? withoutDigest.slice(colon + 1) : 'latest'
  const first = repository.split('/')[0] ?? ''
  const explicitHost = repository.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
  const host = explicitHost ? first : 'docker.io'
  return { repository, tag, host, path: explicitHost ? repository.slice(first.length + 1) : repository }
}

function localImage(ref: ImageRef): string | undefined {
  const file = process.env.FAKE_DOCKER_IMAGES
  if (!file || !existsSync(file)) return undefined
  const images = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
  return images[`${ref.repository}:${ref.tag}`] ?? (ref.tag === 'latest' ? images[ref.repository] : undefined)
}

/** A mapped source is `DIR` or `DIR:refName`; DIR itself holds an index.json. */
function layoutDir(source: string): string {
  if (existsSync(path.join(source, 'index.json'))) return source
  const colon = source.lastIndexOf(':')
  return colon > 0 ? source.slice(0, colon) : source
}

interface State {
  repoDigests: Record<string, string[]>
}

function statePath(): string {
  return (
    process.env.FAKE_DOCKER_STATE ||
    `${process.env.FAKE_DOCKER_IMAGES ?? path.join(tmpdir(), 'fake-docker')}.state.json`
  )
}

function readState(): State {
  try {
    return JSON.parse(readFileSync(statePath(), 'utf8')) as State
  } catch {
    return { repoDigests: {} }
  }
}

function rememberDigest(ref: ImageRef, digest: string): void {
  const state = readState()
  state.repoDigests[`${ref.repository}:${ref.tag}`] = [`${ref.repository}@${digest}`]
  writeFileSync(statePath(), JSON.stringify(state))
}

function pushedDigests(ref: ImageRef): string[] {
  return readState().repoDigests[`${ref.repository}:${ref.tag}`] ?? []
}

function readConfig(configDir: string): DockerConfig {
  try {
    return JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as DockerConfig
  } catch {
    return {}
  }
}

function writeConfig(configDir: string, config: DockerConfig): void {
  if (logEntry.dockerConfigExplicit !== true && process.env.FAKE_DOCKER_ALLOW_HOME !== '1') {
    throw new ExitError(
      `fake docker: refusing to write ${path.join(configDir, 'config.json')}: set DOCKER_CONFIG (or FAKE_DOCKER_ALLOW_HOME=1)`,
    )
  }
  mkdirSync(configDir, { recursive: true, mode: 0o700 })
  writeFileSync(path.join(configDir, 'config.json'), `${JSON.stringify(config, null, '\t')}\n`, { mode: 0o600 })
}

function normalizeRegistry(registry: string): string {
  return registry.replace(/^https?:\/\//, '').replace(/\/.*$/, '')
}

function schemeFor(host: string): string {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
  return name === 'localhost' || name === '::1' || name.startsWith('127.') ? 'http' : 'https'
}

function challengeParams(challenge: string): Record<string, string> {
  const params: Record<string, string> = {}
  for (const match of challenge.matchAll(/(\w+)="([^"]*)"/g)) params[match[1] ?? ''] = match[2] ?? ''
  return params
}

function isTemporary(dir: string): boolean {
  const roots = [tmpdir(), process.env.RUNNER_TEMP].filter((r): r is string => !!r).map(real)
  const target = real(dir)
  return roots.some((root) => target === root || target.startsWith(`${root}${path.sep}`))
}

/** realpath of the nearest existing ancestor, so a config dir not created yet still compares right. */
function real(p: string): string {
  const resolved = path.resolve(p)
  try {
    return realpathSync(resolved)
  } catch {
    const parent = path.dirname(resolved)
    return parent === resolved ? resolved : path.join(real(parent), path.basename(resolved))
  }
}

function redact(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '-p' || arg === '--password') {
      out.push(arg, '***')
      i++
    } else if (arg.startsWith('--password=')) out.push('--password=***')
    else out.push(arg)
  }
  return out
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
