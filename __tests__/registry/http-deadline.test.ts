// The registry transport's overall answer deadline: a server that is never idle (one byte at a
// time) is abandoned all the same, with a transient error the retry loop understands.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import net from 'node:net'
import { send } from '../../src/registry/http.js'
import { transientFailure } from '../../src/net/retry.js'

let server: net.Server
let port: number
const sockets = new Set<net.Socket>()

beforeAll(async () => {
  server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('data', () => undefined)
    const answer = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n'
    let i = 0
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer)
      socket.write(answer[i++ % answer.length]!)
    }, 20)
    socket.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as net.AddressInfo).port
})

afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

test('a dripping answer fails after answerTimeoutMs although the socket is never idle', async () => {
  const error = await send({
    method: 'GET',
    url: new URL(`http://127.0.0.1:${port}/v2/`),
    timeoutMs: 60_000,
    answerTimeoutMs: 300,
  }).then(
    () => undefined,
    (failure: unknown) => failure as Error,
  )
  expect(error?.message).toMatch(/GET 127\.0\.0\.1:\d+\/v2\/: no complete answer within 0\.3 s of the request/)
  expect(transientFailure(error)).toMatchObject({ retry: true, reason: 'ETIMEDOUT' })
})
