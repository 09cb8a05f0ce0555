// The set-up behind `npm test`, `npm run demo`, `npm run bench` and `npm run setup`, on Node 24
// (scripts/node24.mjs starts it there): install the system packages the purpose needs, run
// `npm ci` when node_modules does not match package-lock.json, then run the command.
//
//   node scripts/setup.ts PURPOSE [-- COMMAND ARGS...]
//
// Debian/Ubuntu: apt-get (as root, or through passwordless sudo). macOS: Homebrew. Anywhere
// else, or without the rights to install, it stops before doing anything with the exact lines
// to run. Node runs this file directly (type stripping): erasable TypeScript only, built-ins only,
// because node_modules may not exist yet.
import { spawn, spawnSync } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export type Purpose = 'setup' | 'test' | 'demo' | 'bench'
export const PURPOSES: readonly Purpose[] = ['setup', 'test', 'demo', 'bench']

/** What the set-up may ask of the machine; injected so the decisions are tested without one. */
export interface Machine {
  readonly platform: string
  readonly arch: string
  readonly env: Readonly<Record<string, string | undefined>>
  isExecutable(file: string): boolean
  /** stdout of a command that exited 0, else undefined. */
  output(command: string, args: readonly string[]): string | undefined
  readFile(file: string): string | undefined
}

export interface Tool {
  readonly name: string
  /** Why the tests or the demo need it. */
  readonly why: string
  readonly apt?: string
  readonly brew?: string
  present(machine: Machine): boolean
}

export function onPath(machine: Machine, command: string): boolean {
  const dirs = (machine.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '')
  return dirs.some((dir) => machine.isExecutable(path.join(dir, command)))
}

/** The kustomize major version `kubectl version --client -o json` reports, or 0. */
export function kustomizeMajor(versionJson: string | undefined): number {
  try {
    const version = (JSON.parse(versionJson ?? '') as { kustomizeVersion?: unknown }).kustomizeVersion
    return Number(/^v?(\d+)\./.exec(String(version))?.[1] ?? 0)
  } catch {
    return 0
  }
}

export const TOOLS: Readonly<Record<string, Tool>> = {
  git: {
    name: 'git',
    why: 'the GitHub API stand-in keeps the GitOps repository in a real git repository',
    apt: 'git',
    brew: 'git',
    present: (machine) => onPath(machine, 'git'),
  },
  openssl: {
    name: 'openssl',
    why: "the registry's token server signs with a certificate openssl creates",
    apt: 'openssl',
    brew: 'openssl@3',
    present: (machine) => onPath(machine, 'openssl'),
  },
  registry: {
    name: 'registry',
    why: 'the CNCF distribution registry the tests and the demo push to (REGISTRY_BINARY, /usr/bin/docker-registry, or `registry` on PATH)',
    apt: 'docker-registry',
    brew: 'distribution',
    present: (machine) =>
      (machine.env.REGISTRY_BINARY !== undefined &&
        machine.env.REGISTRY_BINARY !== '' &&
        machine.isExecutable(machine.env.REGISTRY_BINARY)) ||
      machine.isExecutable('/usr/bin/docker-registry') ||
      onPath(machine, 'registry'),
  },
  skopeo: {
    name: 'skopeo',
    why: 'the tests and the benchmark read back what landed in the registry with it',
    apt: 'skopeo',
    brew: 'skopeo',
    present: (machine) => onPath(machine, 'skopeo'),
  },
  tinyproxy: {
    name: 'tinyproxy',
    why: 'the proxy tests send every request of a run through a real forward proxy',
    // tinyproxy-bin is the program without the system service that the tinyproxy package starts.
    apt: 'tinyproxy-bin',
    brew: 'tinyproxy',
    present: (machine) => machine.isExecutable('/usr/bin/tinyproxy') || onPath(machine, 'tinyproxy'),
  },
  kubectl: {
    name: 'kubectl',
    why: 'the kustomize tests render overlays with `kubectl kustomize` (kustomize v5 or newer)',
    // Not a Debian package (Debian's old kubernetes-client has kustomize v2): see kubectlInstructions.
    brew: 'kubectl',
    present: (machine) => kustomizeMajor(machine.output('kubectl', ['version', '--client', '-o', 'json'])) >= 5,
  },
}

export function toolsFor(purpose: Purpose): Tool[] {
  const names: Record<Purpose, string[]> = {
    demo: ['git', 'openssl', 'registry'],
    bench: ['git', 'openssl', 'registry', 'skopeo'],
    test: ['git', 'openssl', 'registry', 'skopeo', 'tinyproxy', 'kubectl'],
    setup: ['git', 'openssl', 'registry', 'skopeo', 'tinyproxy', 'kubectl'],
  }
  return names[purpose].map((name) => TOOLS[name]!)
}

export type System = 'debian' | 'macos' | 'other'

/** Debian, Ubuntu and their derivatives (ID or ID_LIKE in /etc/os-release) with apt-get; macOS with Homebrew. */
export function detectSystem(machine: Machine): System {
  if (machine.platform === 'darwin') return 'macos'
  if (machine.platform !== 'linux' || !onPath(machine, 'apt-get')) return 'other'
  const release = machine.readFile('/etc/os-release') ?? ''
  const ids = [...release.matchAll(/^(?:ID|ID_LIKE)=["']?([^"'\n]*)/gm)].flatMap((match) => (match[1] ?? '').split(' '))
  return ids.some((id) => id === 'debian' || id === 'ubuntu') ? 'debian' : 'other'
}

/** How the set-up may run a command as root: it is root, through `sudo -n` (no password), or not at all. */
export type Privilege = 'root' | 'sudo' | 'none'

export interface Plan {
  /** Commands to run, in order, each an argument array (no shell). */
  readonly commands: string[][]
  /** When set, the set-up stops with this message (after running `commands`). */
  readonly stop?: string
}

/** kubectl is not a Debian package (Debian's old kubernetes-client has kustomize v2): the upstream binary. */
export function kubectlInstructions(system: System, arch: string): string {
  if (system === 'macos') return 'brew install kubectl'
  const goArch = arch === 'arm64' ? 'arm64' : 'amd64'
  return [
    `curl -fsSLo /tmp/kubectl "https://dl.k8s.io/release/$(curl -fsSL https://dl.k8s.io/release/stable.txt)/bin/linux/${goArch}/kubectl"`,
    'sudo install -m 0755 /tmp/kubectl /usr/local/bin/kubectl',
  ].join(' && ')
}

/** What to run (or say) so that the missing tools are installed. Pure. */
export function installPlan(missing: readonly Tool[], system: System, privilege: Privilege, arch: string): Plan {
  if (missing.length === 0) return { commands: [] }
  const list = (tools: readonly Tool[]): string => tools.map((tool) => `  - ${tool.name}: ${tool.why}`).join('\n')
  const needs = `This needs programs that are not installed:\n${list(missing)}\n\n`

  if (system === 'debian') {
    const packages = missing.flatMap((tool) => (tool.apt === undefined ? [] : [tool.apt]))
    const kubectl = missing.some((tool) => tool.name === 'kubectl')
    const kubectlNote = kubectl
      ? `kubectl is not a Debian package; install the upstream binary (kustomize is built in), then run the command again:\n  ${kubectlInstructions(system, arch)}`
      : undefined
    if (packages.length === 0) return { commands: [], stop: `${needs}${kubectlNote}` }
    const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]
    if (privilege === 'none') {
      const line = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`
      return {
        commands: [],
        stop:
          `${needs}Installing them needs root (or passwordless sudo). Run:\n  ${line}\n` +
          (kubectlNote === undefined ? 'then run the command again.' : `then:\n${kubectlNote}`),
      }
    }
    const asRoot = privilege === 'root' ? [] : ['sudo', '-n']
    const noninteractive = ['env', 'DEBIAN_FRONTEND=noninteractive']
    return {
      commands: [
        [...asRoot, ...noninteractive, 'apt-get', 'update', '-qq'],
        [...asRoot, ...noninteractive, ...install],
      ],
      ...(kubectlNote !== undefined && { stop: kubectlNote }),
    }
  }

  const formulae = missing.flatMap((tool) => (tool.brew === undefined ? [] : [tool.brew]))
  if (system === 'macos') {
    if (privilege === 'none') {
      return {
        commands: [],
        stop: `${needs}Install Homebrew (https://brew.sh), then run:\n  brew install ${formulae.join(' ')}\nand the command again.`,
      }
    }
    return { commands: [['brew', 'install', ...formulae]] }
  }

  const lines = missing.map((tool) =>
    tool.name === 'kubectl'
      ? `  kubectl: ${kubectlInstructions(system, arch)}`
      : tool.name === 'registry'
        ? '  registry: build or download the CNCF distribution registry (github.com/distribution/distribution/releases) and set REGISTRY_BINARY to its path'
        : `  ${tool.name}: your package manager's "${tool.name}" package`,
  )
  return {
    commands: [],
    stop:
      `${needs}Automatic installation covers Debian/Ubuntu (apt-get) and macOS (Homebrew). Here, install:\n${lines.join('\n')}\n` +
      'On Debian/Ubuntu the line would be:\n' +
      `  sudo apt-get install -y ${missing.flatMap((tool) => (tool.apt === undefined ? [] : [tool.apt])).join(' ')}\n` +
      'then run the command again.',
  }
}

interface LockEntry {
  readonly version?: string
  readonly link?: boolean
  readonly optional?: boolean
  readonly devOptional?: boolean
  readonly extraneous?: boolean
}

/**
 * Why node_modules does not match package-lock.json (the first difference), or undefined when it
 * does. Platform-specific optional packages (esbuild's other platforms) may be absent.
 */
export function installDrift(
  lockfile: { packages?: Record<string, LockEntry> },
  installedVersion: (packagePath: string) => string | undefined,
): string | undefined {
  const entries = Object.entries(lockfile.packages ?? {}).filter(
    ([key, entry]) => key.startsWith('node_modules/') && entry.link !== true && entry.extraneous !== true,
  )
  if (entries.length === 0) return 'package-lock.json lists no packages'
  for (const [key, entry] of entries) {
    const installed = installedVersion(key)
    if (installed === undefined) {
      if (entry.optional === true || entry.devOptional === true) continue
      return `${key} is not installed`
    }
    if (entry.version !== undefined && installed !== entry.version)
      return `${key} is ${installed}, package-lock.json says ${entry.version}`
  }
  return undefined
}

/** The whole set-up for a purpose, on a real machine. Returns the exit code to stop with, or undefined to go on. */
function prepare(purpose: Purpose, machine: Machine, root: string): number | undefined {
  const tools = toolsFor(purpose)
  const missing = tools.filter((tool) => !tool.present(machine))
  if (missing.length > 0) {
    const system = detectSystem(machine)
    const plan = installPlan(missing, system, privilege(system, machine), machine.arch)
    for (const command of plan.commands) {
      console.error(`set-up: ${command.join(' ')}`)
      const result = spawnSync(command[0]!, command.slice(1), { stdio: 'inherit' })
      if (result.status !== 0) {
        console.error(`\nset-up: "${command.join(' ')}" failed (${result.error?.message ?? `exit ${result.status}`}).`)
        return 1
      }
    }
    if (plan.stop !== undefined) {
      console.error(`\n${plan.stop}\n`)
      return 1
    }
    const still = tools.filter((tool) => !tool.present(machine))
    if (still.length > 0) {
      console.error(`\nset-up: still missing after the installation: ${still.map((tool) => tool.name).join(', ')}.`)
      return 1
    }
  }

  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, LockEntry>
  }
  const drift = installDrift(lock, (packagePath) => {
    const text = machine.readFile(path.join(root, packagePath, 'package.json'))
    return text === undefined ? undefined : String((JSON.parse(text) as { version?: unknown }).version)
  })
  if (drift !== undefined) {
    console.error(`set-up: node_modules does not match package-lock.json (${drift}): npm ci on Node ${process.version}`)
    const status = npm(['ci', '--no-audit', '--no-fund'], root)
    if (status !== 0) return status
  }
  console.error(
    `set-up: Node ${process.version}; ${tools.map((tool) => tool.name).join(', ')} present; node_modules matches package-lock.json`,
  )
  return undefined
}

function privilege(system: System, machine: Machine): Privilege {
  // Homebrew installs as the user: what counts there is whether brew exists.
  if (system === 'macos') return onPath(machine, 'brew') ? 'root' : 'none'
  if (process.getuid?.() === 0) return 'root'
  return machine.output('sudo', ['-n', 'true']) !== undefined ? 'sudo' : 'none'
}

/** npm's own CLI on this (Node 24) node, so `npm ci` checks engines against Node 24. */
function npm(args: readonly string[], cwd: string): number {
  const cli = process.env.npm_execpath
  const result =
    cli !== undefined && /\.[cm]?js$/.test(cli)
      ? spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd })
      : spawnSync('npm', args, { stdio: 'inherit', cwd })
  return result.status ?? 1
}

const realMachine: Machine = {
  platform: process.platform,
  arch: process.arch,
  env: process.env,
  isExecutable(file) {
    try {
      accessSync(file, constants.X_OK)
      return true
    } catch {
      return false
    }
  },
  output(command, args) {
    const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 })
    return result.status === 0 ? result.stdout : undefined
  },
  readFile(file) {
    try {
      return readFileSync(file, 'utf8')
    } catch {
      return undefined
    }
  },
}

function main(argv: readonly string[]): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const [purpose, separator, ...command] = argv
  if (!PURPOSES.includes(purpose as Purpose) || (separator !== undefined && separator !== '--')) {
    console.error(`Usage: node scripts/node24.mjs ${PURPOSES.join('|')} [-- COMMAND ARGS...]`)
    process.exit(2)
  }
  const stop = prepare(purpose as Purpose, realMachine, root)
  if (stop !== undefined) process.exit(stop)
  if (command.length === 0) return
  const [program, ...args] = command
  const env = {
    ...process.env,
    PATH: [path.dirname(process.execPath), path.join(root, 'node_modules', '.bin'), process.env.PATH].join(
      path.delimiter,
    ),
  }
  const child = spawn(program === 'node' ? process.execPath : program!, args, { stdio: 'inherit', env, cwd: root })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => {
    console.error(`Could not start ${program}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main(process.argv.slice(2))
