// dist/licenses.txt names every package the bundle contains: the bundle is rebuilt in memory with
// the same entry and splitting as scripts/build.mjs, and each package with a file in it is looked up.
import { describe, expect, test } from '@jest/globals'
import { build } from 'esbuild'
import { readFile } from 'node:fs/promises'
import * as path from 'node:path'

async function bundledPackages(): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: ['src/index.ts'],
    outdir: 'dist-licenses-test',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const packages = new Set<string>()
  for (const input of Object.keys(metafile.inputs)) {
    const parts = input.split('/')
    const at = parts.lastIndexOf('node_modules')
    if (at < 0) continue
    const name = parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!
    const dir = path.join(...parts.slice(0, at + 1), name)
    const { version } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string }
    packages.add(`${name}@${version}`)
  }
  return [...packages].sort()
}

describe('dist/licenses.txt', () => {
  test('has a section, with license text, for every package in the bundle', async () => {
    const [packages, licenses] = await Promise.all([bundledPackages(), readFile('dist/licenses.txt', 'utf8')])
    expect(packages.length).toBeGreaterThan(10)
    const listed = [...licenses.matchAll(/^(@?[^@\s]+@\d[^\s]*)\nLicense: (.+)\n\n(.+)/gm)]
    const names = listed.map((match) => match[1]!)
    for (const name of packages) expect(names).toContain(name)
    // Sorted, so that a rebuild gives the same file.
    const packageNames = names.map((name) => name.slice(0, name.lastIndexOf('@')))
    expect(packageNames).toEqual([...packageNames].sort())
    for (const [, , , firstLine] of listed) expect(firstLine!.trim()).not.toBe('')
  })
})
