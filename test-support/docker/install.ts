// Puts the fake `docker` CLI (fake-docker.ts, bundled by esbuild into one CommonJS file
// with a node shebang) into a directory as an executable named `docker`, for tests to put
// first on PATH. See fake-docker.ts for the environment it reads.
import { build } from 'esbuild'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-docker.ts')

let bundled: Promise<string> | undefined

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'node',
    target: 'node24',
    // An extensionless file outside any package.json runs as CommonJS.
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]?.text ?? ''
}

/** Returns the bin directory to prepend to PATH. */
export async function installFakeDocker(dir: string): Promise<string> {
  bundled ??= bundle()
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'docker'), await bundled, { mode: 0o755 })
  return dir
}

/** The environment the fake reads, for a test's `env`. */
export interface FakeDockerEnv {
  /** JSON file mapping `HOST/REPO:TAG` to an OCI layout dir (or `DIR:refName`). */
  FAKE_DOCKER_IMAGES: string
  /** JSON-lines log of invocations. */
  FAKE_DOCKER_LOG: string
}

/** Writes the image map the fake's `push` and `image inspect` read. */
export async function writeFakeDockerImages(file: string, images: Record<string, string>): Promise<void> {
  await writeFile(file, JSON.stringify(images))
}

export interface FakeDockerInvocation {
  /** Arguments as given, `-p`/`--password` values replaced by `***`. */
  args: string[]
  command?: string
  /** The config dir the invocation used (DOCKER_CONFIG, --config, or ~/.docker). */
  dockerConfig?: string
  /** DOCKER_CONFIG or --config was given. */
  dockerConfigExplicit?: boolean
  /** The config dir lies under the system temp dir or RUNNER_TEMP. */
  dockerConfigIsTemp?: boolean
  exitCode: number
}

export async function readFakeDockerLog(file: string): Promise<FakeDockerInvocation[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as FakeDockerInvocation)
}
