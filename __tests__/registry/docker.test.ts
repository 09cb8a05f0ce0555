// The docker source, with a fake `docker` CLI first on PATH that pushes prepared layouts to
// the real registry (through skopeo) and logs how it was called.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseImageReference } from '../../src/image/reference.js'
import { parsePushOutput, removeDockerConfig } from '../../src/registry/docker.js'
import { inspectSource, publishImage } from '../../src/registry/publish.js'
import { installFakeDocker, readFakeDockerLog, writeFakeDockerImages } from '../../test-support/docker/install.js'
import { type RegistryStandIn, TEST_ACCESS_TOKEN, startRegistry } from '../../test-support/registry/launch.js'
import { type LayoutEntry, writeLayout } from '../../test-support/oci/layout.js'
import { failure } from '../../test-support/failure.js'

let registry: RegistryStandIn
let work: string
let runnerTemp: string
let stateFile: string
let logFile: string
let layout: { dir: string; entry: LayoutEntry }
const saved = { PATH: process.env.PATH, RUNNER_TEMP: process.env.RUNNER_TEMP, GITHUB_STATE: process.env.GITHUB_STATE }
const creds = { getAccessToken: () => Promise.resolve(TEST_ACCESS_TOKEN) }

beforeAll(async () => {
  registry = await startRegistry({ auth: 'token' })
  work = await mkdtemp(path.join(tmpdir(), 'docker-test-'))
  const bin = await installFakeDocker(path.join(work, 'bin'))
  runnerTemp = path.join(work, 'runner-temp')
  await mkdir(runnerTemp)
  stateFile = path.join(work, 'state')
  logFile = path.join(work, 'docker-log.jsonl')
  const { digests } = await writeLayout(path.join(work, 'layout'), [
    { layers: [{ size: 4000, seed: 1 }], refName: 'v1' },
  ])
  layout = { dir: path.join(work, 'layout'), entry: digests[0]! }
  const images = path.join(work, 'images.json')
  await writeFakeDockerImages(images, { [`${registry.host}/team/app:v1`]: layout.dir })
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`
  process.env.RUNNER_TEMP = runnerTemp
  process.env.GITHUB_STATE = stateFile
  process.env.FAKE_DOCKER_IMAGES = images
  process.env.FAKE_DOCKER_LOG = logFile
  process.env.FAKE_DOCKER_STATE = path.join(work, 'fake-docker-state.json')
})

beforeEach(async () => {
  await writeFile(stateFile, '')
  await rm(logFile, { force: true })
})

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  for (const key of ['FAKE_DOCKER_IMAGES', 'FAKE_DOCKER_LOG', 'FAKE_DOCKER_STATE']) delete process.env[key]
  await registry?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

const image = (suffix = ':v1') => parseImageReference(`${registry.host}/team/app${suffix}`)

describe('docker source', () => {
  test('dry run before any push: no digest can be known, and the error says what to use instead', async () => {
    await expect(
      inspectSource({ image: image(), source: { kind: 'docker' }, credentials: creds, dryRun: true }),
    ).rejects.toThrow(
      /Dry run cannot know the digest of .*team\/app:v1: it was never pushed .* Use source: registry .* or an OCI layout path/,
    )
  })

  test('logs in through stdin into a temporary DOCKER_CONFIG, pushes, confirms with the registry, cleans up', async () => {
    const result = await publishImage({ image: image(), source: { kind: 'docker' }, credentials: creds, dryRun: false })
    expect(result).toMatchObject({
      action: 'pushed',
      pushed: true,
      digest: layout.entry.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    })

    const calls = await readFakeDockerLog(logFile)
    expect(calls.map((c) => c.command)).toEqual(['image', 'login', 'push', 'logout'])
    const login = calls[1]!
    expect(login.args).toEqual(['login', registry.host, '--username', 'oauth2accesstoken', '--password-stdin'])
    for (const call of calls) expect(call.args.join(' ')).not.toContain(TEST_ACCESS_TOKEN)
    for (const call of calls.slice(1)) {
      expect(call.dockerConfigExplicit).toBe(true)
      expect(call.dockerConfigIsTemp).toBe(true)
      expect(path.dirname(call.dockerConfig!)).toBe(runnerTemp)
    }
    // The temporary config is gone, and the state the post step reads names it.
    await expect(stat(login.dockerConfig!)).rejects.toThrow(/ENOENT/)
    expect(await readdir(runnerTemp)).toEqual([])
    expect(await readFile(stateFile, 'utf8')).toContain(login.dockerConfig!)
    // Confirmed by the bytes the tag serves (GET), not its digest header.
    expect(
      registry.requests.some((r) => r.method === 'GET' && r.path === '/v2/team/app/manifests/v1' && r.status === 200),
    ).toBe(true)
  })

  test('dry run after a push: the digest the engine recorded, nothing pushed', async () => {
    const since = registry.requests.length
    const result = await publishImage({ image: image(), source: { kind: 'docker' }, credentials: creds, dryRun: true })
    expect(result).toMatchObject({ action: 'would-push', pushed: false, digest: layout.entry.digest })
    expect(registry.requests.length).toBe(since)
    expect((await readFakeDockerLog(logFile)).map((c) => c.command)).toEqual(['image'])
  })

  test('an image the engine does not have fails before anything runs', async () => {
    await expect(
      inspectSource({ image: image(':v9'), source: { kind: 'docker' }, credentials: creds, dryRun: false }),
    ).rejects.toThrow(`The local Docker engine has no image ${registry.host}/team/app:v9.`)
  })

  test("without credentials of its own it pushes with the user's Docker configuration (an earlier login applies)", async () => {
    const userConfig = path.join(work, 'user-docker-config')
    await mkdir(userConfig, { recursive: true })
    await new Promise<void>((resolve, reject) => {
      const login = execFile(
        'docker',
        ['login', registry.host, '--username', 'oauth2accesstoken', '--password-stdin'],
        { env: { ...process.env, DOCKER_CONFIG: userConfig } },
        (error) => (error ? reject(new Error(`docker login failed: ${error.message}`)) : resolve()),
      )
      login.stdin?.end(TEST_ACCESS_TOKEN)
    })
    await rm(logFile, { force: true })
    process.env.DOCKER_CONFIG = userConfig
    try {
      const result = await publishImage({ image: image(), source: { kind: 'docker' }, dryRun: false })
      expect(result).toMatchObject({ action: 'pushed', digest: layout.entry.digest })
    } finally {
      delete process.env.DOCKER_CONFIG
    }
    const calls = await readFakeDockerLog(logFile)
    expect(calls.map((c) => c.command)).toEqual(['image', 'push'])
    expect(calls[1]!.dockerConfig).toBe(userConfig)
    expect(await stat(userConfig)).toBeDefined()
    expect(await readdir(runnerTemp)).toEqual([])
  })

  test('a login the registry refuses: clear error, config removed', async () => {
    const wrong = { getAccessToken: () => Promise.resolve('not-a-valid-token') }
    const error = await failure(
      publishImage({ image: image(), source: { kind: 'docker' }, credentials: wrong, dryRun: false }),
    )
    expect(error.message).toMatch(new RegExp(`^docker login ${registry.host} failed \\(exit code 1\\)`))
    expect(error.message).not.toContain('not-a-valid-token')
    expect(await readdir(runnerTemp)).toEqual([])
  })
})

describe('removeDockerConfig (post step)', () => {
  test('deletes the saved directory, is idempotent, and never deletes a directory it did not create', async () => {
    const ours = await mkdtemp(path.join(runnerTemp, 'gitops-deploy-docker-'))
    await writeFile(path.join(ours, 'config.json'), '{}')
    process.env['STATE_docker-config'] = ours
    try {
      await removeDockerConfig()
      await expect(stat(ours)).rejects.toThrow(/ENOENT/)
      await removeDockerConfig()
      const foreign = await mkdtemp(path.join(runnerTemp, 'something-else-'))
      process.env['STATE_docker-config'] = foreign
      await removeDockerConfig()
      expect((await stat(foreign)).isDirectory()).toBe(true)
      await rm(foreign, { recursive: true })
    } finally {
      delete process.env['STATE_docker-config']
    }
  })
})

describe('parsePushOutput', () => {
  const hex = createHash('sha256').update('x').digest('hex')
  test.each([
    [
      `The push refers to repository [r/app]\nabc: Pushed\nv1: digest: sha256:${hex} size: 1234\n`,
      { tag: 'v1', digest: `sha256:${hex}`, size: 1234 },
    ],
    [
      `v1: digest: sha256:${'0'.repeat(64)} size: 1\r\nv2: digest: sha256:${hex} size: 2\r\n`,
      { tag: 'v2', digest: `sha256:${hex}`, size: 2 },
    ],
    ['Everything up-to-date\n', undefined],
    [`v1: digest: sha256:${hex.slice(1)} size: 1\n`, undefined],
  ])('%#', (output, expected) => {
    expect(parsePushOutput(output)).toEqual(expected)
  })
})
