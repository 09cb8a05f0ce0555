// End to end through dist/index.js behind a real forward proxy (tinyproxy): with HTTP(S)_PROXY
// set and NO_PROXY empty, every request of a full run (GitHub API, the OIDC endpoint, STS, IAM
// Credentials, the registry and its token server) reaches the stand-ins through the proxy;
// with NO_PROXY naming the registry, the registry's requests go around it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { ActionRun } from '../../test-support/action-runner.js'
import { type Tinyproxy, startTinyproxy } from '../../test-support/proxy/tinyproxy.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack({
  seed: (stack) => ({ 'apps/api/deployment.yaml': singleContainer('api', `${stack.repository('acme/api')}:0.1.0`) }),
})
let proxy: Tinyproxy

beforeAll(async () => {
  proxy = await startTinyproxy()
})

afterAll(async () => {
  await proxy?.close()
})

/** Both spellings of each variable, so nothing inherited from the machine's environment applies. */
function proxyEnv(noProxy: string): Record<string, string> {
  return {
    HTTP_PROXY: proxy.url,
    http_proxy: proxy.url,
    HTTPS_PROXY: proxy.url,
    https_proxy: proxy.url,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
  }
}

interface Counts {
  readonly standIn: number
  readonly proxied: number
}

/** Requests each stand-in received during `run`, beside those the proxy forwarded to it. */
async function pushThroughProxy(tag: string, seed: number, noProxy: string) {
  const hosts = {
    github: new URL(stack.github.url).host,
    oidc: new URL(stack.gcp.env().ACTIONS_ID_TOKEN_REQUEST_URL!).host,
    sts: new URL(stack.gcp.stsEndpoint).host,
    iam: new URL(stack.gcp.iamCredentialsEndpoint).host,
    registry: stack.registry.host,
  }
  const { source, entries } = await stack.layout(`layouts/${tag}`, [
    {
      layers: [
        { size: 200_000, seed },
        { size: 1000, seed: seed + 1 },
      ],
      refName: tag,
    },
  ])
  const proxiedBefore = (await proxy.requests()).length
  const registryBefore = stack.registry.requests.length
  stack.github.resetRequests()
  stack.gcp.received.length = 0

  const result = await stack.run(
    {
      image: `${stack.repository('acme/api')}:${tag}`,
      source,
      manifests: 'apps/api/deployment.yaml',
      mode: 'push',
      'service-account': stack.gcp.serviceAccount,
    },
    proxyEnv(noProxy),
  )

  const proxied = (await proxy.requests()).slice(proxiedBefore)
  const through = (host: string): number => proxied.filter((r) => r.authority === host).length
  const service = (name: string): number => stack.gcp.received.filter((r) => r.service === name).length
  const counts: Record<keyof typeof hosts, Counts> = {
    github: { standIn: stack.github.requests.length, proxied: through(hosts.github) },
    oidc: { standIn: service('oidc'), proxied: through(hosts.oidc) },
    sts: { standIn: service('sts'), proxied: through(hosts.sts) },
    iam: { standIn: service('iam'), proxied: through(hosts.iam) },
    registry: { standIn: stack.registry.requests.length - registryBefore, proxied: through(hosts.registry) },
  }
  return { result, counts, digest: entries[0]!.digest, proxied }
}

/** No registry token anywhere in what the run printed, `::add-mask::` lines included. */
function expectNoRegistryToken(result: ActionRun): void {
  const output = `${result.stdout}\n${result.stderr}\n${result.post.stdout}\n${result.post.stderr}`
  const tokens = stack.registry.issuedTokens()
  expect(tokens.length).toBeGreaterThan(0)
  expect(tokens.filter((token) => output.includes(token))).toEqual([])
  expect(stack.leakedSecrets(result)).toEqual([])
}

type Service = 'github' | 'oidc' | 'sts' | 'iam' | 'registry'

/**
 * Every stand-in was used; those in `direct` saw no request through the proxy, the others saw
 * exactly the requests the proxy forwarded to them: a request that went around the proxy would
 * make the stand-in's count the larger.
 */
function expectRoutes(counts: Record<Service, Counts>, direct: readonly Service[] = []): void {
  for (const [name, { standIn, proxied }] of Object.entries(counts)) {
    expect({ name, used: standIn > 0 }).toEqual({ name, used: true })
    const expected = direct.includes(name as Service) ? 0 : standIn
    expect({ name, proxied }).toEqual({ name, proxied: expected })
  }
}

describe('behind a forward proxy', () => {
  test('with NO_PROXY empty, every request of a push run goes through the proxy', async () => {
    const { result, counts, digest } = await pushThroughProxy('1.0.0', 11, '')

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toBe(
      singleContainer('api', `${stack.repository('acme/api')}:1.0.0@${digest}`),
    )
    expectRoutes(counts)
    expectNoRegistryToken(result)
  })

  test('NO_PROXY naming the registry host:port sends the registry requests around the proxy', async () => {
    const { result, counts, digest } = await pushThroughProxy('1.1.0', 21, `example.invalid,${stack.registry.host}`)

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expectRoutes(counts, ['registry'])
    expectNoRegistryToken(result)
  })

  test('NO_PROXY naming the Google endpoints: GitHub and the registry through the proxy, Google around it', async () => {
    const google = [
      stack.gcp.env().ACTIONS_ID_TOKEN_REQUEST_URL!,
      stack.gcp.stsEndpoint,
      stack.gcp.iamCredentialsEndpoint,
    ]
    const noProxy = google.map((url) => new URL(url).host).join(',')
    const { result, counts, digest } = await pushThroughProxy('1.2.0', 31, noProxy)

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toBe(
      singleContainer('api', `${stack.repository('acme/api')}:1.2.0@${digest}`),
    )
    expectRoutes(counts, ['oidc', 'sts', 'iam'])
    expectNoRegistryToken(result)
  })
})
