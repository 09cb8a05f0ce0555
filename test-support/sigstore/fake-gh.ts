// A stand-in for the GitHub CLI's `gh attestation trusted-root`: prints the trusted roots it was
// given as JSON Lines (as gh prints Sigstore's public-good root, then GitHub's), and logs each
// invocation (arguments, GH_HOST, whether GH_TOKEN was set; never the token) as a JSON line.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as path from 'node:path'

export interface FakeGh {
  /** The directory to put first on PATH. */
  readonly bin: string
  invocations(): Promise<{ args: string[]; host?: string; hasToken: boolean }[]>
}

const SCRIPT = `#!/usr/bin/env node
const fs = require('node:fs')
const path = require('node:path')
const args = process.argv.slice(2)
fs.appendFileSync(path.join(__dirname, 'gh.log'), JSON.stringify({ args, host: process.env.GH_HOST, hasToken: !!process.env.GH_TOKEN }) + '\\n')
if (args[0] === 'attestation' && args[1] === 'trusted-root' && args.length === 2) {
  process.stdout.write(fs.readFileSync(path.join(__dirname, 'trusted_root.jsonl')))
} else {
  process.stderr.write('unknown command "' + args.join(' ') + '" for "gh"\\n')
  process.exit(1)
}
`

export async function installFakeGh(dir: string, roots: readonly unknown[]): Promise<FakeGh> {
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'trusted_root.jsonl'), roots.map((root) => JSON.stringify(root) + '\n').join(''))
  await writeFile(path.join(dir, 'gh'), SCRIPT, { mode: 0o755 })
  await writeFile(path.join(dir, 'gh.log'), '')
  return {
    bin: dir,
    invocations: async () =>
      (await readFile(path.join(dir, 'gh.log'), 'utf8'))
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { args: string[]; host?: string; hasToken: boolean }),
  }
}
