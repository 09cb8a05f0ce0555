// End to end through dist/index.js: a registry that drips its answer one byte every 3 s never
// goes idle, yet the run fails within the registry request budget (≤ 5 tries within 2 min,
// src/net/budget.ts), naming the request, with nothing written. This file waits that long.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import net from 'node:net'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack()
let drip: net.Server
let dripHost: string
const sockets = new Set<net.Socket>()
let connections = 0

beforeAll(async () => {
  drip = net.createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('data', () => undefined)
    const answer = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-padding: '
    let i = 0
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer)
      socket.write(i < answer.length ? answer[i++]! : 'x')
    }, 3_000)
    socket.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve))
  dripHost = `127.0.0.1:${(drip.address() as net.AddressInfo).port}`
  await stack.github.seed({
    'apps/backend/deployment.yaml': singleContainer('backend', `${dripHost}/acme/backend:0.1.0`),
  })
}, 60_000)

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => drip.close(() => resolve()))
})

test('a registry dripping one byte every 3 s fails the run within the 2-minute budget', async () => {
  const head = await stack.github.headSha('main')
  const started = Date.now()
  const result = await stack.run({
    image: `${dripHost}/acme/backend:1.0.0`,
    source: 'registry',
    manifests: 'apps/',
    mode: 'push',
  })
  const elapsedS = (Date.now() - started) / 1000
  expect(result.exitCode).toBe(1)
  expect(result.errors).toHaveLength(1)
  expect(result.errors[0]).toMatch(
    new RegExp(`Registry ${dripHost}.*no complete answer within [\\d.]+ s of the request`),
  )
  // Several tries, each abandoned at its answer deadline…
  expect(connections).toBeGreaterThanOrEqual(3)
  // …and the whole within the 2-minute budget plus the run's own start-up.
  expect(elapsedS).toBeLessThan(135)
  expect(await stack.github.headSha('main')).toBe(head)
}, 200_000)
