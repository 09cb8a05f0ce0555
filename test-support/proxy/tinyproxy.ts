// A real forward proxy for the tests: Debian's tinyproxy in the foreground on a free loopback
// port, with its own configuration and log in a temporary directory. Every request it forwards
// is read back from its log (`Request (file descriptor N): GET http://host:port/path HTTP/1.1`,
// `CONNECT host:port HTTP/1.1`), so a test can tell what went through it.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'

export const TINYPROXY = '/usr/bin/tinyproxy'

export interface ProxiedRequest {
  readonly method: string
  /** `host:port` the request was for. */
  readonly authority: string
  /** Path with query for forwarded requests; '' for CONNECT. */
  readonly path: string
}

export interface Tinyproxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string
  /** Requests forwarded or tunnelled so far, oldest first (read from the log). */
  requests(): Promise<ProxiedRequest[]>
  close(): Promise<void>
}

export interface TinyproxyOptions {
  /** Ports CONNECT may reach (tinyproxy refuses CONNECT to any port not listed). */
  readonly connectPorts?: readonly number[]
}

export function hasTinyproxy(): boolean {
  return existsSync(TINYPROXY)
}

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gda-tinyproxy-'))
  const log = path.join(dir, 'tinyproxy.log')
  let child: ChildProcess | undefined
  try {
    const port = await freePort()
    const config = [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 120',
      `LogFile "${log}"`,
      // Connect level logs one line per request, which is what the tests count.
      'LogLevel Connect',
      'MaxClients 100',
      'Allow 127.0.0.1',
      ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
      '',
    ].join('\n')
    await writeFile(path.join(dir, 'tinyproxy.conf'), config)
    const started = spawn(TINYPROXY, ['-d', '-c', path.join(dir, 'tinyproxy.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child = started
    let stderr = ''
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await waitForListening(port, started, () => stderr)
    const url = `http://127.0.0.1:${port}`
    return {
      url,
      requests: async () => parseLog(await readFile(log, 'utf8').catch(() => '')),
      close: async () => {
        await stop(started)
        await rm(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    if (child !== undefined) await stop(child)
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

export function parseLog(text: string): ProxiedRequest[] {
  const requests: ProxiedRequest[] = []
  for (const match of text.matchAll(/Request \(file descriptor \d+\): (\S+) (\S+) HTTP\/[\d.]+/g)) {
    const [, method = '', target = ''] = match
    if (method === 'CONNECT') {
      requests.push({ method, authority: target, path: '' })
      continue
    }
    const url = new URL(target)
    requests.push({ method, authority: url.host, path: `${url.pathname}${url.search}` })
  }
  return requests
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitForListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}: ${stderr()}`)
    if (await accepts(port)) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within 5 s: ${stderr()}`)
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await exited
}
