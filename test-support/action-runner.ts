// Runs the bundled action the way a GitHub runner does: inputs as INPUT_* variables
// (with action.yml's defaults filled in), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_STATE
// files, and then the post step with the saved state as STATE_* variables.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BUNDLE = path.join(PROJECT_ROOT, 'dist', 'index.js')
// Node's on-disk code cache for the hundreds of runs a test suite makes: each run compiles the
// bundle's chunks once instead of every time (V8 bytecode only; the action behaves the same).
// In the project's ignored .tmp/, not the temp folder the tests keep clean.
const COMPILE_CACHE = path.join(PROJECT_ROOT, '.tmp', 'node-compile-cache')

const ADD_MASK = '::add-mask::'

export interface StepResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

export interface ActionRun extends StepResult {
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly state: Record<string, string>
  /** `::error::` lines, unescaped. */
  readonly errors: string[]
  /** Values registered with `::add-mask::`, which the runner hides from every later log line. */
  readonly masks: string[]
  /** stdout without the `::add-mask::` commands: what the log shows, before masking. */
  readonly log: string
  readonly post: StepResult
  /** Every file the run left in its temporary runner directories (workspace excluded). */
  readonly leftovers: string[]
}

export interface RunOptions {
  readonly inputs: Record<string, string>
  /** Extra environment (GITHUB_API_URL, ACTIONS_ID_TOKEN_REQUEST_URL, PATH, …). */
  readonly env?: Record<string, string>
  readonly githubToken?: string
  readonly repository?: string
  readonly workspace?: string
  readonly node?: string
  readonly skipPost?: boolean
  /** Called with each stdout line as it arrives, e.g. to show the phases live. */
  readonly onLine?: (line: string, step: 'main' | 'post') => void
  /** Called with each step's process as it starts, e.g. to cancel it as the runner does (SIGINT). */
  readonly onSpawn?: (child: ChildProcess, step: 'main' | 'post') => void
}

interface ActionDefinition {
  inputs: Record<string, { default?: string }>
}

let definition: ActionDefinition | undefined

async function actionDefinition(): Promise<ActionDefinition> {
  definition ??= parse(await readFile(path.join(PROJECT_ROOT, 'action.yml'), 'utf8')) as ActionDefinition
  return definition
}

/** The runner evaluates `${{ github.* }}` in defaults; only the two our action.yml uses are needed. */
function evaluateDefault(value: string, context: { token: string; repository: string }): string {
  return value.replace(/\$\{\{\s*github\.(token|repository)\s*\}\}/g, (_, key: string) =>
    key === 'token' ? context.token : context.repository,
  )
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runnerDir = await mkdtemp(path.join(tmpdir(), 'gda-runner-'))
  const files = {
    output: path.join(runnerDir, 'output'),
    summary: path.join(runnerDir, 'summary'),
    state: path.join(runnerDir, 'state'),
    temp: path.join(runnerDir, 'temp'),
  }
  try {
    await Promise.all([writeFile(files.output, ''), writeFile(files.summary, ''), writeFile(files.state, '')])
    await mkdir(files.temp)
    const repository = options.repository ?? 'acme/service'
    const workspace = options.workspace ?? runnerDir
    const declared = (await actionDefinition()).inputs
    for (const name of Object.keys(options.inputs)) {
      if (!(name in declared)) throw new Error(`action.yml has no input "${name}"`)
    }
    const inputs: Record<string, string> = {}
    for (const [name, spec] of Object.entries(declared)) {
      const value =
        options.inputs[name] ??
        evaluateDefault(spec.default ?? '', { token: options.githubToken ?? 'ghs_default_token', repository })
      inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    }
    const baseEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? runnerDir,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: repository,
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_RUN_ID: '4242',
      GITHUB_WORKSPACE: workspace,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_STATE: files.state,
      RUNNER_TEMP: files.temp,
      NODE_COMPILE_CACHE: COMPILE_CACHE,
      ...options.env,
    }
    const node = options.node ?? process.execPath
    const main = await step(
      node,
      { ...baseEnv, ...inputs },
      (line) => options.onLine?.(line, 'main'),
      (child) => options.onSpawn?.(child, 'main'),
    )
    const state = parseCommandFile(await readFile(files.state, 'utf8'))
    const post = options.skipPost
      ? { exitCode: 0, stdout: '', stderr: '' }
      : await step(
          node,
          {
            ...baseEnv,
            ...inputs,
            ...Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value])),
          },
          (line) => options.onLine?.(line, 'post'),
          (child) => options.onSpawn?.(child, 'post'),
        )
    return {
      ...main,
      outputs: parseCommandFile(await readFile(files.output, 'utf8')),
      summary: await readFile(files.summary, 'utf8'),
      state,
      masks: main.stdout
        .split('\n')
        .filter((line) => line.startsWith(ADD_MASK))
        .map((line) => line.slice(ADD_MASK.length)),
      log: main.stdout
        .split('\n')
        .filter((line) => !line.startsWith(ADD_MASK))
        .join('\n'),
      errors: main.stdout
        .split('\n')
        .filter((line) => line.startsWith('::error::'))
        .map((line) => line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')),
      post,
      leftovers: await listFiles(files.temp),
    }
  } finally {
    await rm(runnerDir, { recursive: true, force: true })
  }
}

function step(
  node: string,
  env: Record<string, string>,
  onLine: (line: string) => void,
  onSpawn: (child: ChildProcess) => void,
): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    onSpawn(child)
    let stdout = ''
    let stderr = ''
    let pending = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const lines = (pending + chunk).split('\n')
      pending = lines.pop() ?? ''
      lines.forEach(onLine)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (pending !== '') onLine(pending)
      resolve({ exitCode: code ?? 1, stdout, stderr })
    })
  })
}

/** Parses GITHUB_OUTPUT / GITHUB_STATE: `name<<DELIMITER\nvalue\nDELIMITER` blocks or `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string]
      const value: string[] = []
      while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i]!)
      result[name] = value.join('\n')
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return result
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => path.join(entry.parentPath, entry.name))
}
