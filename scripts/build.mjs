// Bundles the action into dist/ with esbuild (see CONTRIBUTING.md, "Why esbuild").
// ESM output with code splitting: google-auth-library and the registry client are
// imported lazily, so they land in their own chunks and a run that fails on its
// inputs never loads them.
import { build } from 'esbuild'
import { rm, writeFile } from 'node:fs/promises'
import { licensesText } from './licenses.mjs'
import { renameChunks, stableChunkNames } from './stable-chunks.mjs'

/**
 * Tells esbuild that importing these packages has no effect of its own (their package.json does
 * not say so), so an import whose exports nothing uses is dropped: @actions/core's OIDC client,
 * which the action does not use (src/oidc.ts), no longer loads and evaluates undici on every start.
 */
function sideEffectFree(packages) {
  const filter = new RegExp(`^(${packages.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})(/|$)`)
  return {
    name: 'side-effect-free',
    setup(build) {
      build.onResolve({ filter }, async (args) => {
        if (args.pluginData === 'side-effect-free') return undefined
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'side-effect-free',
        })
        return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false }
      })
    },
  }
}

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
  plugins: [sideEffectFree(['@actions/http-client', 'undici'])],
})
// esbuild names chunks by content hash, so one changed line would rename dozens of files in a
// commit; names that follow the modules instead keep dist/ diffs as small as the change.
await renameChunks(
  'dist',
  Object.keys(metafile.outputs).filter((file) => file.endsWith('.js')),
  stableChunkNames(metafile.outputs, 'dist/chunks'),
)
// The licenses of every package with a file in the bundle, next to it.
await writeFile('dist/licenses.txt', licensesText(metafile))
