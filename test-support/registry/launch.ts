// Starts the real CNCF distribution registry (Debian `docker-registry`, 2.8) on loopback,
// with Artifact-Registry-like token auth, behind a front proxy that can inject faults.
//
//   const registry = await startRegistry()            // token auth, accepts `test-access-token`
//   client talks to registry.host; skopeo checks may use registry.directHost
//   await registry.close()
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { accessSync, constants, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { stringify } from 'yaml'
import { RegistryProxy, type FaultRule, type RequestRecord } from './proxy.js'
import { issuerKey } from './signing.js'
import { ACCESS_TOKEN_USER, handleTokenRequest, TOKEN_PATH, type TokenRequestRecord } from './token-server.js'

export type { FaultRule, RequestRecord, TokenRequestRecord }

export const TEST_ACCESS_TOKEN = 'test-access-token'
export const REGISTRY_SERVICE = 'registry-stand-in'
const ISSUER = 'registry-stand-in-token-issuer'

export interface RegistryOptions {
  /** Default 'token'. */
  auth?: 'token' | 'none'
  /** GCP access tokens the token server accepts; default: only `test-access-token`. */
  validateAccessToken?: (token: string) => boolean
  /** Default 300. */
  tokenLifetimeSeconds?: number
  /** Default: $REGISTRY_BINARY, else /usr/bin/docker-registry, else `registry` on PATH. */
  binary?: string
  /** Challenges carry no `service` parameter, as Artifact Registry's often do. */
  omitService?: boolean
}

export interface RegistryStandIn {
  /** `127.0.0.1:PORT` of the front proxy: what the action talks to. */
  readonly host: string
  /** The real registry's own address: no faults, no revocation. */
  readonly directHost: string
  readonly storageDir: string
  /** Every token request, without secrets. */
  readonly tokenRequests: TokenRequestRecord[]
  /** Every request the proxy received (token requests included), in order. */
  readonly requests: RequestRecord[]
  /** Every registry token issued, in full: for checks that none shows in a run's output. */
  issuedTokens(): string[]
  injectFault(rule: FaultRule): void
  /** Registry tokens issued so far are answered 401 with the Bearer challenge from now on. */
  revokeTokens(): void
  /** Arguments for `skopeo inspect`/`skopeo delete` against `host` or `directHost`. */
  skopeoCredsArgs(accessToken?: string): string[]
  close(): Promise<void>
}

export function findRegistryBinary(explicit?: string): string | undefined {
  const candidates = [explicit, process.env.REGISTRY_BINARY, '/usr/bin/docker-registry']
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate !== '' && isExecutable(candidate)) return candidate
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'registry')
    if (dir !== '' && isExecutable(candidate)) return candidate
  }
  return undefined
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryStandIn> {
  const binary = findRegistryBinary(options.binary)
  if (binary === undefined) {
    throw new Error(
      'No registry binary found: install the CNCF distribution registry (apt install docker-registry, ' +
        'brew install distribution) or set REGISTRY_BINARY to its path.',
    )
  }
  const auth = options.auth ?? 'token'
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 300
  const validateAccessToken = options.validateAccessToken ?? ((token: string) => token === TEST_ACCESS_TOKEN)

  const workDir = await mkdtemp(path.join(tmpdir(), 'registry-stand-in-'))
  const storageDir = path.join(workDir, 'storage')
  await mkdir(storageDir)

  const issued: string[] = []
  const issuedTokens: string[] = []
  const revoked = new Set<string>()
  const tokenRequests: TokenRequestRecord[] = []
  const key = auth === 'token' ? await issuerKey() : undefined
  let realm = ''

  const proxy = new RegistryProxy({
    localPath: key === undefined ? undefined : TOKEN_PATH,
    localHandler:
      key === undefined
        ? undefined
        : (req, res) =>
            handleTokenRequest(req, res, {
              key,
              issuer: ISSUER,
              service: REGISTRY_SERVICE,
              lifetimeSeconds,
              validateAccessToken,
              onIssued: (jti, token) => {
                issued.push(jti)
                issuedTokens.push(token)
              },
              records: tokenRequests,
            }),
    get challenge() {
      return key === undefined ? undefined : { realm, service: REGISTRY_SERVICE }
    },
    omitService: options.omitService === true,
    revoked,
  })

  let registry: RunningRegistry | undefined
  let cleanupOnExit: (() => void) | undefined
  try {
    const host = await proxy.listen()
    realm = `http://${host}${TOKEN_PATH}`
    let rootCertBundle: string | undefined
    if (key !== undefined) {
      rootCertBundle = path.join(workDir, 'issuer.pem')
      await writeFile(rootCertBundle, key.certificatePem)
    }
    registry = await launchWithRetry(binary, workDir, (port) =>
      registryConfig({ port, storageDir, token: rootCertBundle === undefined ? undefined : { realm, rootCertBundle } }),
    )
    proxy.setUpstream(registry.host)

    const child = registry.child
    cleanupOnExit = () => {
      child.kill('SIGKILL')
      rmSync(workDir, { recursive: true, force: true })
    }
    onExit(cleanupOnExit)

    const running = registry
    let closed: Promise<void> | undefined
    return {
      host,
      directHost: running.host,
      storageDir,
      tokenRequests,
      requests: proxy.requests,
      issuedTokens: () => [...issuedTokens],
      injectFault: (rule) => proxy.injectFault(rule),
      revokeTokens: () => {
        for (const jti of issued) revoked.add(jti)
      },
      skopeoCredsArgs: (accessToken = TEST_ACCESS_TOKEN) =>
        auth === 'token'
          ? ['--creds', `${ACCESS_TOKEN_USER}:${accessToken}`, '--tls-verify=false']
          : ['--tls-verify=false'],
      close: () => {
        closed ??= (async () => {
          if (cleanupOnExit !== undefined) exitCleanups.delete(cleanupOnExit)
          await proxy.close()
          await stop(running.child)
          await rm(workDir, { recursive: true, force: true })
        })()
        return closed
      },
    }
  } catch (error) {
    if (cleanupOnExit !== undefined) exitCleanups.delete(cleanupOnExit)
    await proxy.close().catch(() => undefined)
    if (registry !== undefined) await stop(registry.child)
    await rm(workDir, { recursive: true, force: true })
    throw error
  }
}

/** One process listener for all stand-ins: a test file may start more than ten. */
const exitCleanups = new Set<() => void>()
let exitListener = false

function onExit(cleanup: () => void): void {
  if (!exitListener) {
    exitListener = true
    process.once('exit', () => {
      for (const run of exitCleanups) run()
    })
  }
  exitCleanups.add(cleanup)
}

export interface RegistryConfigOptions {
  readonly port: number
  readonly storageDir: string
  readonly token?: { readonly realm: string; readonly rootCertBundle: string }
}

/** The registry's YAML configuration (pure). */
export function registryConfig(options: RegistryConfigOptions): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.storageDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${options.port}`, secret: randomBytes(16).toString('hex') },
  }
  if (options.token !== undefined) {
    config.auth = {
      token: {
        realm: options.token.realm,
        service: REGISTRY_SERVICE,
        issuer: ISSUER,
        rootcertbundle: options.token.rootCertBundle,
      },
    }
  }
  return stringify(config)
}

interface RunningRegistry {
  readonly child: ChildProcess
  readonly host: string
}

/** A free port can be taken between probing and binding it: try a few. */
async function launchWithRetry(
  binary: string,
  workDir: string,
  config: (port: number) => string,
): Promise<RunningRegistry> {
  let lastError: unknown
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const configFile = path.join(workDir, 'config.yml')
    await writeFile(configFile, config(port))
    try {
      return await launch(binary, configFile, `127.0.0.1:${port}`)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

async function launch(binary: string, configFile: string, host: string): Promise<RunningRegistry> {
  const child = spawn(binary, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8192)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  let exited: string | undefined
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`
  })
  child.once('error', (error) => {
    exited = error.message
  })

  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (exited !== undefined) break
    if (await answers(host)) return { child, host }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stop(child)
  throw new Error(
    `${binary} serve ${configFile} did not come up on ${host} (${exited ?? 'timed out'}): ${output.trim()}`,
  )
}

function answers(host: string): Promise<boolean> {
  const [hostname, port] = host.split(':')
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: hostname, port: Number(port), path: '/v2/', method: 'GET', timeout: 1000 },
      (res) => {
        res.resume()
        resolve(true)
      },
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}
