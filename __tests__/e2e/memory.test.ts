// End to end through dist/index.js, measuring the whole action process: a 256 MB Argo CD answer
// and a 600 MB smoke-test body are read only up to their caps, so the run stays under 150 MB.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { runAction } from '../../test-support/action-runner.js'
import { argo, newImage, stack, useVerifyStand } from './verify-support.js'

useVerifyStand()

const MB = 1024 * 1024
let dir: string
let wrapper: string
let server: http.Server
let serverUrl: string
/** Bytes served per request to the big server; its chunks are generated, never held whole. */
let mode: 'argo' | 'smoke' = 'argo'
const served: number[] = []

/** Streams `total` bytes of `head` + filler with back-pressure, stopping when the client goes away. */
function stream(res: http.ServerResponse, status: number, type: string, head: string, total: number): void {
  res.writeHead(status, { 'content-type': type })
  const filler = Buffer.alloc(64 * 1024, '{"kind":"ConfigMap","name":"filler-0123456789"},')
  let sent = 0
  const index = served.push(0) - 1
  const more = (): void => {
    if (sent === 0) {
      res.write(head)
      sent += head.length
    }
    while (sent < total && !res.destroyed) {
      sent += filler.length
      served[index] = sent
      if (!res.write(filler)) return void res.once('drain', more)
    }
    res.end()
  }
  more()
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gda-memory-'))
  // Runs the action as a child and records its peak resident memory (getrusage of children, KB).
  wrapper = path.join(dir, 'node-maxrss')
  await writeFile(
    wrapper,
    [
      '#!/usr/bin/env python3',
      'import os, resource, subprocess, sys',
      "code = subprocess.call([os.environ['REAL_NODE'], *sys.argv[1:]])",
      "open(os.environ['MAXRSS_FILE'], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))",
      'sys.exit(code)',
      '',
    ].join('\n'),
  )
  await chmod(wrapper, 0o755)
  server = http.createServer((req, res) => {
    if (mode === 'smoke') return stream(res, 500, 'text/plain', 'backend unavailable ', 600 * MB)
    // Argo CD's preflight read passes through; the wait's polls get a 256 MB answer.
    if (!(req.url ?? '').includes('refresh=normal')) {
      const upstream = http.request(`${argo.url}${req.url}`, { headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      return void upstream.end()
    }
    stream(res, 200, 'application/json', '{"status":{"resources":[', 256 * MB)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rm(dir, { recursive: true, force: true })
})

async function measuredDeploy(version: string, inputs: Record<string, string>) {
  const image = await newImage(version)
  const maxrss = path.join(dir, `${version}.maxrss`)
  const result = await runAction({
    inputs: stack.inputs({
      image: image.image,
      source: image.source,
      manifests: 'apps/backend/',
      mode: 'push',
      'argocd-application': 'backend',
      'argocd-token': argo.token,
      ...inputs,
    }),
    env: { ...stack.env(), REAL_NODE: process.execPath, MAXRSS_FILE: maxrss },
    githubToken: stack.github.token,
    repository: stack.serviceRepository,
    node: wrapper,
    skipPost: true,
  })
  return { result, peakMb: Number(await readFile(maxrss, 'utf8')) / 1024 }
}

describe('answers larger than anything legitimate', () => {
  test('a 256 MB Argo CD answer: read up to the cap, the run stays under 150 MB', async () => {
    mode = 'argo'
    served.length = 0
    const { result, peakMb } = await measuredDeploy('6.0.0', { 'argocd-server': serverUrl, 'verify-timeout': '3s' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /Argo CD's answer could not be read \(.*larger than 4 MB\).*nothing was reverted|larger than 8 MB/,
    )
    expect(served.length).toBeGreaterThan(0)
    // The server stopped well short of 256 MB each time: the client hung up.
    expect(Math.max(...served)).toBeLessThan(128 * MB)
    expect(peakMb).toBeLessThan(150)
  })

  test('a 600 MB smoke-test body: the first 200 bytes are quoted, the run stays under 150 MB', async () => {
    mode = 'smoke'
    served.length = 0
    const { result, peakMb } = await measuredDeploy('6.1.0', {
      'argocd-server': argo.url,
      'smoke-test-url': `${serverUrl}/healthz`,
      'smoke-test-timeout': '2s',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/last answer: HTTP 500: backend unavailable \{"kind".{100,}…/)
    expect(result.errors[0]).not.toMatch(/ConfigMap.{200,}/)
    expect(Math.max(...served)).toBeLessThan(128 * MB)
    expect(peakMb).toBeLessThan(150)
  })
})
