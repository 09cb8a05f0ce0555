// The registry stand-ins themselves: the real distribution registry behind token auth,
// the front proxy's faults, OCI layouts and archives, and the fake docker CLI.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { installFakeDocker, readFakeDockerLog, writeFakeDockerImages } from '../../test-support/docker/install.js'
import { tarLayout, writeLayout, type LayoutEntry } from '../../test-support/oci/layout.js'
import { startRegistry, TEST_ACCESS_TOKEN, type RegistryStandIn } from '../../test-support/registry/launch.js'

const run = promisify(execFile)
const basic = (password: string): string => `Basic ${Buffer.from(`oauth2accesstoken:${password}`).toString('base64')}`
const MANIFEST_ACCEPT = ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json'].join(
  ', ',
)

async function skopeo(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return (await run('skopeo', args, { env: env ?? process.env, maxBuffer: 16 * 1024 * 1024 })).stdout
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

describe('registry stand-in with token auth', () => {
  let registry: RegistryStandIn
  let work: string
  let layout: string
  let image: LayoutEntry

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'registry-test-'))
    layout = path.join(work, 'layout')
    const [started, written] = await Promise.all([
      startRegistry(),
      writeLayout(layout, [{ layers: [{ size: 2048 }, { size: 3 * 1024 * 1024 }], refName: 'v1' }]),
    ])
    registry = started
    image = written.digests[0]!
    await skopeo([
      'copy',
      '--dest-creds',
      `oauth2accesstoken:${TEST_ACCESS_TOKEN}`,
      '--dest-tls-verify=false',
      `oci:${layout}:v1`,
      `docker://${registry.host}/team/app:v1`,
    ])
  })

  afterAll(async () => {
    await registry?.close()
    await rm(work, { recursive: true, force: true })
  })

  async function token(scopes: string[], service?: string, password = TEST_ACCESS_TOKEN): Promise<Response> {
    const url = new URL(`http://${registry.host}/v2/token`)
    if (service !== undefined) url.searchParams.set('service', service)
    for (const scope of scopes) url.searchParams.append('scope', scope)
    return fetch(url, { headers: { authorization: basic(password) } })
  }

  async function headManifest(bearer: string): Promise<Response> {
    return fetch(`http://${registry.host}/v2/team/app/manifests/v1`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${bearer}`, accept: MANIFEST_ACCEPT },
    })
  }

  test('challenges like a token-auth registry and holds what skopeo pushed with credentials', async () => {
    const ping = await fetch(`http://${registry.host}/v2/`)
    expect(ping.status).toBe(401)
    expect(ping.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://${registry.host}/v2/token",service="registry-stand-in"`,
    )

    const raw = await skopeo([
      'inspect',
      '--raw',
      ...registry.skopeoCredsArgs(),
      `docker://${registry.directHost}/team/app:v1`,
    ])
    expect(sha256(raw)).toBe(image.digest)
    expect(registry.tokenRequests).toContainEqual(
      expect.objectContaining({ user: 'oauth2accesstoken', granted: ['repository:team/app:pull,push'], status: 200 }),
    )
  })

  test('refuses pushes and pulls without valid credentials', async () => {
    const push = skopeo([
      'copy',
      '--dest-no-creds',
      '--dest-tls-verify=false',
      `oci:${layout}:v1`,
      `docker://${registry.host}/team/other:v1`,
    ])
    await expect(push).rejects.toThrow(/denied|unauthorized/)
    const pull = skopeo([
      'inspect',
      '--raw',
      ...registry.skopeoCredsArgs('not-a-valid-token'),
      `docker://${registry.host}/team/app:v1`,
    ])
    await expect(pull).rejects.toThrow(/failed authentication/)

    const refused = await token(['repository:team/app:pull'], undefined, 'not-a-valid-token')
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ errors: [expect.objectContaining({ code: 'UNAUTHORIZED' })] })
  })

  test('issues tokens without a service parameter and for several scopes', async () => {
    const response = await token(['repository:team/app:pull,push', 'repository:team/base:pull'])
    expect(response.status).toBe(200)
    const body = (await response.json()) as {
      token: string
      access_token: string
      expires_in: number
      issued_at: string
    }
    expect(body).toEqual({
      token: body.token,
      access_token: body.token,
      expires_in: 300,
      issued_at: expect.any(String),
    })
    expect((await headManifest(body.token)).headers.get('docker-content-digest')).toBe(image.digest)
    expect(registry.tokenRequests.at(-1)).toEqual({
      scope: 'repository:team/app:pull,push repository:team/base:pull',
      service: undefined,
      user: 'oauth2accesstoken',
      granted: ['repository:team/app:pull,push', 'repository:team/base:pull'],
      status: 200,
    })
  })

  test('revokeTokens makes earlier tokens answer 401 with a Bearer challenge', async () => {
    const old = ((await (await token(['repository:team/app:pull'], 'registry-stand-in')).json()) as { token: string })
      .token
    expect((await headManifest(old)).status).toBe(200)
    registry.revokeTokens()
    const refused = await headManifest(old)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://${registry.host}/v2/token",service="registry-stand-in",scope="repository:team/app:pull",error="invalid_token"`,
    )
    const fresh = ((await (await token(['repository:team/app:pull'])).json()) as { token: string }).token
    expect((await headManifest(fresh)).status).toBe(200)
  })

  test('injects status faults and connection resets, a set number of times', async () => {
    const fresh = ((await (await token(['repository:team/app:pull'])).json()) as { token: string }).token
    registry.injectFault({ method: 'HEAD', path: /\/manifests\/v1$/, status: 503, times: 2 })
    expect((await headManifest(fresh)).status).toBe(503)
    expect((await headManifest(fresh)).status).toBe(503)
    expect((await headManifest(fresh)).status).toBe(200)

    registry.injectFault({ path: /\/manifests\//, reset: true })
    await expect(headManifest(fresh)).rejects.toThrow()
    expect(registry.requests.at(-1)).toEqual({ method: 'HEAD', path: '/v2/team/app/manifests/v1', status: 0 })
    expect((await headManifest(fresh)).status).toBe(200)
  })

  test('tarLayout writes an archive skopeo reads, with docker save entries', async () => {
    const archive = path.join(work, 'image.tar')
    await tarLayout(layout, archive, { dockerManifest: true })
    const entries = (await run('tar', ['-tf', archive])).stdout.split('\n').filter((e) => e !== '')
    expect(entries).toEqual(
      expect.arrayContaining(['oci-layout', 'index.json', 'manifest.json', `blobs/sha256/${image.digest.slice(7)}`]),
    )
    expect(entries.filter((e) => e.startsWith('./'))).toEqual([])
    const inspected = JSON.parse(await skopeo(['inspect', `oci-archive:${archive}:v1`])) as { Digest: string }
    expect(inspected.Digest).toBe(image.digest)
  })

  test('multi-platform and buildx-attested layouts land with their index digests', async () => {
    const dir = path.join(work, 'indexes')
    const { digests } = await writeLayout(dir, [{ layers: [{ size: 500, seed: 1 }], refName: 'attested' }], {
      buildxAttestation: true,
      multiPlatform: {
        refName: 'multi',
        images: [
          { layers: [{ size: 600, seed: 2 }], platform: { os: 'linux', architecture: 'amd64' } },
          { layers: [{ size: 600, seed: 3 }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      },
    })
    expect(digests.map((d) => [d.refName, d.mediaType, d.children?.map((c) => c.platform?.architecture)])).toEqual([
      ['attested', 'application/vnd.oci.image.index.v1+json', ['amd64', 'unknown']],
      ['multi', 'application/vnd.oci.image.index.v1+json', ['amd64', 'arm64']],
    ])
    for (const entry of digests) {
      const target = `docker://${registry.host}/team/indexes:${entry.refName ?? ''}`
      await skopeo([
        'copy',
        '--all',
        '--preserve-digests',
        '--dest-creds',
        `oauth2accesstoken:${TEST_ACCESS_TOKEN}`,
        '--dest-tls-verify=false',
        `oci:${dir}:${entry.refName ?? ''}`,
        target,
      ])
      expect(sha256(await skopeo(['inspect', '--raw', ...registry.skopeoCredsArgs(), target]))).toBe(entry.digest)
    }
  })

  test('the fake docker logs in, pushes with the stored credentials, and logs out', async () => {
    const bin = await installFakeDocker(path.join(work, 'bin'))
    const dockerConfig = path.join(work, 'docker-config')
    const env = {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      DOCKER_CONFIG: dockerConfig,
      FAKE_DOCKER_IMAGES: path.join(work, 'images.json'),
      FAKE_DOCKER_LOG: path.join(work, 'docker.log'),
    }
    const reference = `${registry.host}/team/app:from-docker`
    await writeFakeDockerImages(env.FAKE_DOCKER_IMAGES, { [reference]: `${layout}:v1` })
    const docker = (args: string[], input?: string): Promise<{ stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = execFile('docker', args, { env }, (error, stdout, stderr) =>
          error ? reject(new Error(error.message)) : resolve({ stdout, stderr }),
        )
        child.stdin?.end(input ?? '')
      })

    await expect(docker(['push', reference])).rejects.toThrow(
      /denied: requested access to the resource is denied|unauthorized/,
    )
    await expect(
      docker(['login', registry.host, '-u', 'oauth2accesstoken', '--password-stdin'], 'wrong\n'),
    ).rejects.toThrow(/unauthorized: failed authentication/)
    expect(
      (await docker(['login', registry.host, '-u', 'oauth2accesstoken', '--password-stdin'], `${TEST_ACCESS_TOKEN}\n`))
        .stdout,
    ).toBe('Login Succeeded\n')
    const config = JSON.parse(await readFile(path.join(dockerConfig, 'config.json'), 'utf8')) as {
      auths: Record<string, { auth: string }>
    }
    expect(Buffer.from(config.auths[registry.host]?.auth ?? '', 'base64').toString()).toBe(
      `oauth2accesstoken:${TEST_ACCESS_TOKEN}`,
    )

    const pushed = await docker(['push', reference])
    const raw = await skopeo(['inspect', '--raw', ...registry.skopeoCredsArgs(), `docker://${reference}`])
    expect(pushed.stdout).toContain(`The push refers to repository [${registry.host}/team/app]`)
    expect(pushed.stdout).toMatch(
      new RegExp(`^from-docker: digest: ${sha256(raw)} size: ${Buffer.byteLength(raw)}$`, 'm'),
    )
    expect((await docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', reference])).stdout).toBe(
      `${registry.host}/team/app@${sha256(raw)}\n`,
    )

    expect((await docker(['logout', registry.host])).stdout).toBe(`Removing login credentials for ${registry.host}\n`)
    await expect(docker(['push', reference])).rejects.toThrow(/denied|unauthorized/)

    const log = await readFakeDockerLog(env.FAKE_DOCKER_LOG)
    expect(log.map((entry) => [entry.command, entry.exitCode])).toEqual([
      ['push', 1],
      ['login', 1],
      ['login', 0],
      ['push', 0],
      ['image', 0],
      ['logout', 0],
      ['push', 1],
    ])
    expect(log.every((entry) => entry.dockerConfig === dockerConfig && entry.dockerConfigIsTemp === true)).toBe(true)
    expect(await readFile(env.FAKE_DOCKER_LOG, 'utf8')).not.toContain(TEST_ACCESS_TOKEN)
  })
})

describe('registry stand-in variants', () => {
  test('omitService drops service from challenges and skopeo still pushes', async () => {
    const registry = await startRegistry({ omitService: true })
    const work = await mkdtemp(path.join(tmpdir(), 'registry-test-'))
    try {
      const ping = await fetch(`http://${registry.host}/v2/`)
      expect(ping.headers.get('www-authenticate')).toBe(`Bearer realm="http://${registry.host}/v2/token"`)
      await writeLayout(work, [{ layers: [{ size: 100, seed: 7 }] }])
      await skopeo([
        'copy',
        '--dest-creds',
        `oauth2accesstoken:${TEST_ACCESS_TOKEN}`,
        '--dest-tls-verify=false',
        `oci:${work}`,
        `docker://${registry.host}/a/b:1`,
      ])
      expect(registry.tokenRequests.map((r) => [r.service, r.status])).toEqual([[undefined, 200]])
    } finally {
      await registry.close()
      await rm(work, { recursive: true, force: true })
    }
  })

  test("auth 'none' serves an open registry", async () => {
    const registry = await startRegistry({ auth: 'none' })
    try {
      expect((await fetch(`http://${registry.host}/v2/`)).status).toBe(200)
      expect(registry.skopeoCredsArgs()).toEqual(['--tls-verify=false'])
    } finally {
      await registry.close()
    }
  })
})
