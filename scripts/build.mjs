// Bundles the action into dist/ with esbuild (see README "Why esbuild").
// ESM output with code splitting: google-auth-library and the registry client are
// imported lazily, so they land in their own chunks and a run that fails on its
// inputs never loads them.
import { build } from 'esbuild'
import { rm, writeFile } from 'node:fs/promises'
import { licensesText } from './licenses.mjs'

await rm('dist', { recursive: true, force: true })
const { metafile } = await build({
  entryPoints: ['src/index.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
})
// The licenses of every package with a file in the bundle, next to it.
await writeFile('dist/licenses.txt', licensesText(metafile))
