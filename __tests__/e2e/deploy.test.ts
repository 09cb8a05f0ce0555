// End to end through dist/index.js: GitHub OIDC → STS (→ IAM Credentials) → the real
// registry → pinned manifest → commit or pull request, with every way the image can arrive.
import { describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { access } from 'node:fs/promises'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { type ActionRun, runAction } from '../../test-support/action-runner.js'
import { installFakeDocker, readFakeDockerLog, writeFakeDockerImages } from '../../test-support/docker/install.js'
import { tarLayout } from '../../test-support/oci/layout.js'
import { useStack } from '../../test-support/e2e.js'
import { deployment } from '../../test-support/manifests.js'

const exec = promisify(execFile)
const stack = useStack({
  seed: (stack) => ({
    'apps/api/deployment.yaml': manifest('api', `${stack.repository('acme/api')}:0.1.0`),
    'apps/web/deployment.yaml': manifest('web', `${stack.repository('acme/web')}:0.1.0`),
    'apps/jobs/deployment.yaml': manifest('jobs', `${stack.repository('acme/jobs')}:0.1.0`),
  }),
})

/** A Deployment whose migration init container runs the same image as the app. */
const manifest = (name: string, image: string): string =>
  deployment({ name, initContainers: { migrate: image }, containers: { [name]: image } })

function expectNoSecrets(result: ActionRun): void {
  expect(stack.leakedSecrets(result)).toEqual([])
  expect(result.masks).toContain(stack.github.token)
  expect(result.leftovers).toEqual([])
}

/** The digest the registry itself reports, cross-checked with skopeo. */
async function registryDigest(repository: string, tag: string): Promise<string> {
  const token = stack.gcp.tokens.issuedTokens().at(-1)
  const { stdout } = await exec('skopeo', [
    'inspect',
    '--raw',
    ...stack.registry.skopeoCredsArgs(token),
    `docker://${stack.registry.directHost}/${repository}:${tag}`,
  ])
  return `sha256:${createHash('sha256').update(stdout).digest('hex')}`
}

function registryWrites(): number {
  return stack.registry.requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH').length
}

describe('keyless auth and native push', () => {
  test('impersonates the service account and pushes an OCI archive, then opens a pull request', async () => {
    const { entries } = await stack.layout('layouts/api', [
      {
        layers: [
          { size: 300_000, seed: 1 },
          { size: 1000, seed: 2 },
        ],
        refName: '1.0.0',
      },
    ])
    await tarLayout(path.join(stack.workspace, 'layouts/api'), path.join(stack.workspace, 'api.tar'))
    const digest = entries[0]!.digest
    const image = `${stack.repository('acme/api')}:1.0.0`

    const result = await stack.run({
      image,
      source: 'api.tar',
      manifests: 'apps/api/deployment.yaml',
      'service-account': stack.gcp.serviceAccount,
    })

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expect(await registryDigest('acme/api', '1.0.0')).toBe(digest)
    expect(stack.gcp.received.map((r) => r.service)).toEqual(expect.arrayContaining(['oidc', 'sts', 'iam']))
    const pull = stack.github.pulls().find((p) => p.head === 'deploy/api')!
    expect(await stack.github.readFile('deploy/api', 'apps/api/deployment.yaml')).toBe(
      manifest('api', `${image}@${digest}`),
    )
    expect(pull.body).toContain(digest)
    expect(result.summary).toMatch(/uploaded/i)
    // The first run: every token the fakes issued so far was this run's, and each was masked.
    expect(stack.gcp.tokens.issuedTokens().length).toBeGreaterThanOrEqual(2) // federated + service account
    for (const token of stack.gcp.tokens.issuedTokens()) expect(result.masks).toContain(token)
    expectNoSecrets(result)
  })

  test('direct federation resolves a tag that is already in the registry (source: registry)', async () => {
    const digest = await registryDigest('acme/api', '1.0.0')
    const writes = registryWrites()

    const result = await stack.run({
      image: `${stack.repository('acme/api')}:1.0.0`,
      source: 'registry',
      manifests: 'apps/api/',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expect(registryWrites()).toBe(writes)
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toContain(`acme/api:1.0.0@${digest}`)
    expectNoSecrets(result)
  })

  test('a multi-platform image pins the index digest', async () => {
    const { entries } = await stack.layout('layouts/web', [], {
      multiPlatform: {
        refName: '2.0.0',
        images: [
          { layers: [{ size: 2000, seed: 10 }], platform: { os: 'linux', architecture: 'amd64' } },
          { layers: [{ size: 2000, seed: 11 }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      },
    })
    const index = entries[0]!

    const result = await stack.run({
      image: `${stack.repository('acme/web')}:2.0.0`,
      source: 'layouts/web',
      manifests: 'apps/web/deployment.yaml',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(result.outputs.digest).toBe(index.digest)
    expect(await registryDigest('acme/web', '2.0.0')).toBe(index.digest)
  })

  test('a single platform wrapped by buildx with a provenance attestation pins the index digest', async () => {
    const { entries } = await stack.layout(
      'layouts/web-attested',
      [{ layers: [{ size: 2000, seed: 12 }], refName: '2.1.0' }],
      { buildxAttestation: true },
    )

    const result = await stack.run({
      image: `${stack.repository('acme/web')}:2.1.0`,
      source: 'layouts/web-attested',
      manifests: 'apps/web/deployment.yaml',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(entries[0]!.digest)
    expect(await registryDigest('acme/web', '2.1.0')).toBe(entries[0]!.digest)
  })

  test('a registry 5xx during the upload is retried', async () => {
    const { entries } = await stack.layout('layouts/web-retry', [
      { layers: [{ size: 50_000, seed: 13 }], refName: '2.2.0' },
    ])
    stack.registry.injectFault({ method: 'PUT', path: /\/blobs\/uploads\//, status: 502, times: 2 })
    stack.registry.injectFault({ method: 'HEAD', path: /\/manifests\//, reset: true })

    const result = await stack.run({
      image: `${stack.repository('acme/web')}:2.2.0`,
      source: 'layouts/web-retry',
      manifests: 'apps/web/deployment.yaml',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(entries[0]!.digest)
  })
})

describe('the docker source', () => {
  test('logs in with --password-stdin into a temporary DOCKER_CONFIG, pushes, and leaves nothing behind', async () => {
    const bin = await installFakeDocker(path.join(stack.workspace, 'fake-docker-bin'))
    const { entries } = await stack.layout('layouts/docker-api', [
      { layers: [{ size: 4000, seed: 20 }], refName: '1.1.0' },
    ])
    const images = path.join(stack.workspace, 'fake-docker-images.json')
    const log = path.join(stack.workspace, 'fake-docker.log')
    const image = `${stack.repository('acme/api')}:1.1.0`
    await writeFakeDockerImages(images, { [image]: path.join(stack.workspace, 'layouts/docker-api') })

    const result = await stack.run(
      { image, manifests: 'apps/api/deployment.yaml', mode: 'push', 'service-account': stack.gcp.serviceAccount },
      { PATH: `${bin}:${process.env.PATH ?? ''}`, FAKE_DOCKER_IMAGES: images, FAKE_DOCKER_LOG: log },
    )

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(entries[0]!.digest)
    const calls = await readFakeDockerLog(log)
    expect(calls.map((c) => c.command)).toEqual(expect.arrayContaining(['login', 'push']))
    const login = calls.find((c) => c.command === 'login')!
    expect(login.args).toContain('--password-stdin')
    expect(login.dockerConfigIsTemp).toBe(true)
    for (const call of calls.filter((c) => c.command !== 'image')) {
      expect(call.dockerConfigExplicit).toBe(true)
      await expect(access(call.dockerConfig!)).rejects.toThrow()
    }
    expectNoSecrets(result)
  })
})

describe('failures that write nothing', () => {
  test('a tag missing from the registry', async () => {
    const head = await stack.github.headSha('main')
    const result = await stack.run({
      image: `${stack.repository('acme/api')}:does-not-exist`,
      source: 'registry',
      manifests: 'apps/api/deployment.yaml',
      mode: 'push',
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/does-not-exist/)
    expect(await stack.github.headSha('main')).toBe(head)
  })

  test('an audience the provider rejects', async () => {
    const head = await stack.github.headSha('main')
    const writes = registryWrites()
    await stack.layout('layouts/aud', [{ layers: [{ size: 1000, seed: 30 }], refName: '4.0.0' }])

    const result = await stack.run({
      image: `${stack.repository('acme/api')}:4.0.0`,
      source: 'layouts/aud',
      manifests: 'apps/api/deployment.yaml',
      mode: 'push',
      audience: 'https://wrong.example/audience',
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/invalid_grant|audience/i)
    expect(await stack.github.headSha('main')).toBe(head)
    expect(registryWrites()).toBe(writes)
    expectNoSecrets(result)
  })

  test('a job without id-token: write', async () => {
    await stack.layout('layouts/noid', [{ layers: [{ size: 1000, seed: 31 }], refName: '4.1.0' }])
    const env = stack.env()
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN

    const result = await runAction({
      inputs: stack.inputs({
        image: `${stack.repository('acme/api')}:4.1.0`,
        source: 'layouts/noid',
        manifests: 'apps/api/deployment.yaml',
        mode: 'push',
      }),
      env,
      githubToken: stack.github.token,
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/id-token: write/)
  })

  test('dry-run pushes nothing and writes nothing, but prints the diff and the outputs', async () => {
    const head = await stack.github.headSha('main')
    const writes = registryWrites()
    const { entries } = await stack.layout('layouts/dry', [{ layers: [{ size: 1000, seed: 32 }], refName: '5.0.0' }])
    const image = `${stack.repository('acme/api')}:5.0.0`
    stack.github.resetRequests()

    const result = await stack.run({
      image,
      source: 'layouts/dry',
      manifests: 'apps/api/deployment.yaml',
      'dry-run': 'true',
    })

    expect(result.errors).toEqual([])
    expect(result.outputs).toMatchObject({
      digest: entries[0]!.digest,
      changed: 'true',
      'commit-sha': '',
      'pull-request-number': '',
    })
    expect(result.stdout).toContain(`+          image: ${image}@${entries[0]!.digest}`)
    expect(result.log).toContain(`pinned-image: ${image}@${entries[0]!.digest}`)
    expect(result.log).toContain('changed: true')
    expect(registryWrites()).toBe(writes)
    expect(stack.github.requests.filter((r) => r.method !== 'GET' && r.path !== '/graphql')).toEqual([])
    expect(await stack.github.headSha('main')).toBe(head)
  })
})
