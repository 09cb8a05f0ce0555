// The set-up behind `npm test`, `npm run demo` and `npm run bench` (scripts/node24.mjs, then
// scripts/setup.ts on Node 24): which system packages each needs, how they are installed where,
// when `npm ci` runs, and that the commands really run on Node 24 with their arguments.
import { describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import {
  type Machine,
  TOOLS,
  detectSystem,
  installDrift,
  installPlan,
  kustomizeMajor,
  toolsFor,
} from '../../scripts/setup.js'
import { ROOT, read } from '../docs/helpers.js'

const run = promisify(execFile)

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
const MINT = 'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\n'
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'

function machine(options: {
  platform?: string
  executables?: string[]
  osRelease?: string
  env?: Record<string, string>
  kubectl?: string
}): Machine {
  const executables = new Set(options.executables ?? [])
  return {
    platform: options.platform ?? 'linux',
    arch: 'x64',
    env: { PATH: '/usr/local/bin:/usr/bin', ...options.env },
    isExecutable: (file) => executables.has(file),
    output: (command) => (command === 'kubectl' ? options.kubectl : undefined),
    readFile: (file) => (file === '/etc/os-release' ? options.osRelease : undefined),
  }
}

const missingNames = (m: Machine, purpose: Parameters<typeof toolsFor>[0]): string[] =>
  toolsFor(purpose)
    .filter((tool) => !tool.present(m))
    .map((tool) => tool.name)

describe('what each command needs', () => {
  test.each([
    ['demo', ['git', 'openssl', 'registry']],
    ['bench', ['git', 'openssl', 'registry', 'skopeo']],
    ['test', ['git', 'openssl', 'registry', 'skopeo', 'tinyproxy', 'kubectl']],
    ['setup', ['git', 'openssl', 'registry', 'skopeo', 'tinyproxy', 'kubectl']],
  ] as const)('%s: %j', (purpose, names) => {
    expect(toolsFor(purpose).map((tool) => tool.name)).toEqual(names)
  })

  test('finds programs on PATH, the Debian registry and tinyproxy paths, and REGISTRY_BINARY', () => {
    const bare = machine({})
    expect(missingNames(bare, 'test')).toEqual(['git', 'openssl', 'registry', 'skopeo', 'tinyproxy', 'kubectl'])
    const debian = machine({
      executables: ['/usr/bin/git', '/usr/local/bin/openssl', '/usr/bin/docker-registry', '/usr/bin/tinyproxy'],
    })
    expect(missingNames(debian, 'test')).toEqual(['skopeo', 'kubectl'])
    const custom = machine({ executables: ['/opt/registry'], env: { REGISTRY_BINARY: '/opt/registry' } })
    expect(TOOLS.registry!.present(custom)).toBe(true)
    const brew = machine({ executables: ['/opt/homebrew/bin/registry'], env: { PATH: '/opt/homebrew/bin' } })
    expect(TOOLS.registry!.present(brew)).toBe(true)
  })

  test('kubectl counts only with kustomize v5 or newer built in', () => {
    expect(kustomizeMajor('{"clientVersion":{},"kustomizeVersion":"v5.5.0"}')).toBe(5)
    expect(kustomizeMajor('{"kustomizeVersion":"v4.5.7"}')).toBe(4)
    expect(kustomizeMajor('{"clientVersion":{}}')).toBe(0)
    expect(kustomizeMajor('not json')).toBe(0)
    expect(kustomizeMajor(undefined)).toBe(0)
    expect(TOOLS.kubectl!.present(machine({ kubectl: '{"kustomizeVersion":"v5.5.0"}' }))).toBe(true)
    expect(TOOLS.kubectl!.present(machine({ kubectl: '{"kustomizeVersion":"v3.8.7"}' }))).toBe(false)
  })
})

describe('where the set-up installs by itself', () => {
  const withApt = (osRelease: string): Machine => machine({ executables: ['/usr/bin/apt-get'], osRelease })

  test.each([
    ['Debian', 'debian', withApt(DEBIAN)],
    ['Ubuntu', 'debian', withApt(UBUNTU)],
    ['a derivative (ID_LIKE)', 'debian', withApt(MINT)],
    ['Fedora', 'other', withApt(FEDORA)],
    ['Debian without apt-get', 'other', machine({ osRelease: DEBIAN })],
    ['macOS', 'macos', machine({ platform: 'darwin' })],
    ['Windows', 'other', machine({ platform: 'win32' })],
  ])('%s -> %s', (_name, system, m) => {
    expect(detectSystem(m)).toBe(system)
  })
})

describe('installPlan', () => {
  const tools = (...names: string[]) => names.map((name) => TOOLS[name]!)

  test('nothing missing: nothing to do', () => {
    expect(installPlan([], 'other', 'none', 'x64')).toEqual({ commands: [] })
  })

  test('Debian as root: apt-get update and install, as argument arrays, without the tinyproxy service', () => {
    expect(installPlan(tools('git', 'registry', 'skopeo', 'tinyproxy'), 'debian', 'root', 'x64')).toEqual({
      commands: [
        ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'update', '-qq'],
        [
          'env',
          'DEBIAN_FRONTEND=noninteractive',
          'apt-get',
          'install',
          '-y',
          '-qq',
          '--no-install-recommends',
          'git',
          'docker-registry',
          'skopeo',
          'tinyproxy-bin',
        ],
      ],
    })
  })

  test('Debian with passwordless sudo: the same through sudo -n', () => {
    const plan = installPlan(tools('openssl'), 'debian', 'sudo', 'x64')
    expect(plan.commands.map((command) => command.slice(0, 2))).toEqual([
      ['sudo', '-n'],
      ['sudo', '-n'],
    ])
    expect(plan.commands[1]?.at(-1)).toBe('openssl')
    expect(plan.stop).toBeUndefined()
  })

  test('Debian without root or sudo: stops at once with the exact line to run', () => {
    const plan = installPlan(tools('git', 'skopeo'), 'debian', 'none', 'x64')
    expect(plan.commands).toEqual([])
    expect(plan.stop).toContain('  - skopeo: ')
    expect(plan.stop).toContain(
      'Run:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends git skopeo\nthen run the command again.',
    )
  })

  test('Debian without kubectl: installs the packages, then stops with the upstream binary instructions', () => {
    const plan = installPlan(tools('skopeo', 'kubectl'), 'debian', 'root', 'arm64')
    expect(plan.commands[1]?.at(-1)).toBe('skopeo')
    expect(plan.commands.flat()).not.toContain('kubectl')
    expect(plan.stop).toContain('kubectl is not a Debian package')
    expect(plan.stop).toContain('/bin/linux/arm64/kubectl"')
    expect(plan.stop).toContain('sudo install -m 0755 /tmp/kubectl /usr/local/bin/kubectl')

    const only = installPlan(tools('kubectl'), 'debian', 'root', 'x64')
    expect(only.commands).toEqual([])
    expect(only.stop).toContain('/bin/linux/amd64/kubectl"')
  })

  test('macOS with Homebrew: brew install of the formulae, kubectl included', () => {
    expect(installPlan(tools('registry', 'skopeo', 'tinyproxy', 'kubectl'), 'macos', 'root', 'arm64')).toEqual({
      commands: [['brew', 'install', 'distribution', 'skopeo', 'tinyproxy', 'kubectl']],
    })
  })

  test('macOS without Homebrew: stops with the brew line', () => {
    const plan = installPlan(tools('skopeo'), 'macos', 'none', 'arm64')
    expect(plan.commands).toEqual([])
    expect(plan.stop).toContain('Install Homebrew (https://brew.sh), then run:\n  brew install skopeo\n')
  })

  test('elsewhere: stops at once, saying what to install for each program', () => {
    const plan = installPlan(tools('registry', 'tinyproxy', 'kubectl'), 'other', 'root', 'x64')
    expect(plan.commands).toEqual([])
    expect(plan.stop).toContain('REGISTRY_BINARY')
    expect(plan.stop).toContain('  tinyproxy: ')
    expect(plan.stop).toContain('/bin/linux/amd64/kubectl')
    expect(plan.stop).toContain('sudo apt-get install -y docker-registry tinyproxy-bin\n')
  })
})

describe('installDrift (when npm ci runs)', () => {
  const lock = {
    packages: {
      '': { version: '1.0.0' },
      'node_modules/yaml': { version: '2.9.1' },
      'node_modules/a/node_modules/b': { version: '1.2.3' },
      'node_modules/@esbuild/darwin-arm64': { version: '0.28.2', optional: true },
      'node_modules/fsevents': { version: '2.3.3', devOptional: true },
      'node_modules/linked': { link: true },
    },
  }
  const installed = (versions: Record<string, string>) => (key: string) => versions[key]

  test('in sync when every package is installed at its locked version; other platforms may be absent', () => {
    expect(
      installDrift(lock, installed({ 'node_modules/yaml': '2.9.1', 'node_modules/a/node_modules/b': '1.2.3' })),
    ).toBeUndefined()
  })

  test('a missing package, a different version, or an empty lockfile is drift, named', () => {
    expect(installDrift(lock, installed({ 'node_modules/yaml': '2.9.1' }))).toBe(
      'node_modules/a/node_modules/b is not installed',
    )
    expect(
      installDrift(lock, installed({ 'node_modules/yaml': '2.8.0', 'node_modules/a/node_modules/b': '1.2.3' })),
    ).toBe('node_modules/yaml is 2.8.0, package-lock.json says 2.9.1')
    expect(installDrift({ packages: { '': {} } }, installed({}))).toBe('package-lock.json lists no packages')
  })
})

describe('Node 24 throughout', () => {
  test('npm test, demo and bench go through the Node 24 launcher; engines say what action.yml runs on', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } }
    for (const [script, purpose] of [
      ['test', 'test'],
      ['demo', 'demo'],
      ['bench', 'bench'],
      ['setup', 'setup'],
    ]) {
      expect(pkg.scripts[script!]).toMatch(new RegExp(`^node scripts/node24\\.mjs ${purpose}( -- |$)`))
    }
    const runtime = (parse(read('action.yml')) as { runs: { using: string } }).runs.using
    expect(runtime).toBe('node24')
    // 24.15: the Sigstore libraries of the provenance gate (@sigstore/* 5, tuf-js 5) need it.
    expect(pkg.engines.node).toBe('>=24.15.0')
    expect(read('scripts/build.mjs')).toMatch(/target: 'node24'/)
  })

  test("every locked package's engines admit the oldest Node that package.json admits", () => {
    // semver comes with npm's own dependency tree (jest, eslint); its API has been stable for years.
    const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean }
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string } | string[] }>
    }
    const oldest = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node.replace(/^>=/, '')
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => !Array.isArray(entry.engines) && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([key, entry]) => `${key}: ${JSON.stringify(entry.engines)}`)
    expect(refusing).toEqual([])
  })

  test('every package with an install script is reviewed in allowScripts, so npm ci lists none as unreviewed', () => {
    const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> }
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean; optional?: boolean }>
    }
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([key]) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length))
    expect(withScripts.length).toBeGreaterThan(0)
    expect(withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean')).toEqual([])
  })

  test('runs the command on Node 24 with its arguments and passes its exit code on', async () => {
    const launcher = path.join(ROOT, 'scripts', 'node24.mjs')
    const script = 'console.log(process.version, process.argv.slice(1).join(" ")); process.exitCode = 7'
    const failure = await run(process.execPath, [launcher, 'demo', '--', 'node', '-e', script, 'a b', 'c'], {
      cwd: ROOT,
    }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stdout?: string; stderr?: string },
    )
    expect(failure?.code).toBe(7)
    expect(failure?.stdout).toMatch(/^v2[4-9]\.\d+\.\d+ a b c\n$/)
    expect(failure?.stderr).toContain('set-up: Node v2')
  })

  test('a wrong purpose stops with the usage line', async () => {
    const failure = await run(process.execPath, [path.join(ROOT, 'scripts', 'node24.mjs'), 'tset'], { cwd: ROOT }).then(
      () => undefined,
      (error: unknown) => error as { code?: number; stderr?: string },
    )
    expect(failure?.code).toBe(2)
    expect(failure?.stderr).toContain('Usage: node scripts/node24.mjs setup|test|demo|bench [-- COMMAND ARGS...]')
  })
})
