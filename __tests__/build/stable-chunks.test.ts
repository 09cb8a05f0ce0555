// dist/ chunk names follow the modules they hold, so a one-line source change renames no file: the
// same bundle is built twice in memory, once with a changed line, and the names are compared.
import { expect, test } from '@jest/globals'
import { build } from 'esbuild'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
// @ts-expect-error -- plain JavaScript build script without type declarations
import { moduleSlug, stableChunkNames } from '../../scripts/stable-chunks.mjs'

type Outputs = Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports?: { path: string }[] }>
const names = stableChunkNames as (outputs: Outputs, dir: string) => Map<string, string>

async function chunkNames(dir: string): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: dir,
    entryPoints: ['index.js'],
    outdir: 'out',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  return [...names(metafile.outputs as Outputs, 'out/chunks').values()].sort()
}

test('a changed line in a shared module renames no chunk', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'stable-chunks-'))
  try {
    const files = (retry: string) => ({
      'index.js': "export const a = () => import('./a.js')\nexport const b = () => import('./b.js')\n",
      'a.js': "import { retry } from './shared/retry.js'\nexport const a = retry('a')\n",
      'b.js': "import { retry } from './shared/retry.js'\nexport const b = retry('b')\n",
      'shared/retry.js': `export const retry = (x) => ${retry}\n`,
    })
    await mkdir(path.join(dir, 'shared'))
    const write = (retry: string) =>
      Promise.all(Object.entries(files(retry)).map(([name, text]) => writeFile(path.join(dir, name), text)))
    await write('x + 1')
    const before = await chunkNames(dir)
    await write('x + 2 // changed')
    const after = await chunkNames(dir)
    expect(after).toEqual(before)
    expect(before).toEqual(expect.arrayContaining(['a.js', 'b.js', 'chunk-shared-retry.js']))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('module slugs drop src/, node_modules/ and the extension', () => {
  const slug = moduleSlug as (input: string) => string
  expect(slug('src/writeback/write.ts')).toBe('writeback-write')
  expect(slug('node_modules/@octokit/plugin-retry/dist-bundle/index.js')).toBe('octokit-plugin-retry-dist-bundle-index')
  expect(slug('node_modules/a/node_modules/undici/index.js')).toBe('a-undici-index')
})

test('two chunks that would share a name get numbered apart, entries first', () => {
  const outputs: Outputs = {
    'dist/chunks/x-AAAA.js': { entryPoint: 'src/x.ts', inputs: { 'src/x.ts': {} } },
    'dist/chunks/chunk-BBBB.js': { inputs: { 'src/x.ts': {}, 'src/y.ts': {} } },
    'dist/chunks/chunk-CCCC.js': { inputs: { 'src/x.ts': {} } },
    'dist/chunks/chunk-DDDD.js': { inputs: {}, imports: [] },
    'dist/index.js': { entryPoint: 'src/index.ts', inputs: {} },
  }
  expect(Object.fromEntries(names(outputs, 'dist/chunks'))).toEqual({
    'x-AAAA.js': 'x.js',
    'chunk-CCCC.js': 'chunk-x.js',
    'chunk-BBBB.js': 'chunk-x-2.js',
    'chunk-DDDD.js': 'chunk-esbuild-runtime.js',
  })
})
