// Gives esbuild's chunks names that follow what they hold instead of a content hash, so that a
// one-line change in a module renames nothing: an entry chunk is named after its entry module
// (`writeback-write.js`), a shared chunk after the first module it holds in path order
// (`chunk-net-retry.js`). Every import specifier in the bundle is rewritten to the new names.
import { readFile, rename, writeFile } from 'node:fs/promises'
import * as path from 'node:path'

/** `src/writeback/write.ts` → `writeback-write`; `node_modules/@octokit/x/dist/index.js` → `octokit-x-dist-index`. */
export function moduleSlug(input) {
  return input
    .replace(/^(\.\.\/)+/, '')
    .replace(/^src\//, '')
    .replace(/(^|\/)node_modules\//g, '$1')
    .replace(/\.[cm]?[jt]s$/, '')
    .replace(/[^A-Za-z0-9_.]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

/**
 * New basenames for the chunks of `metafile.outputs` under `chunksDir` (paths as esbuild reports
 * them), as a map old basename → new basename. Pure: the renaming itself is `renameChunks`.
 */
export function stableChunkNames(outputs, chunksDir) {
  const chunks = Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js') && path.dirname(file) === chunksDir)
    .map(([file, output]) => ({
      old: path.basename(file),
      entry: output.entryPoint,
      inputs: Object.keys(output.inputs).sort(),
      imports: (output.imports ?? []).map((each) => path.basename(each.path)),
    }))
  const names = new Map()
  const taken = new Set()
  const claim = (chunk, wanted) => {
    let name = `${wanted}.js`
    for (let n = 2; taken.has(name); n++) name = `${wanted}-${n}.js`
    taken.add(name)
    names.set(chunk.old, name)
  }
  // Entries first (their names are the most stable), then chunks by what they hold.
  const byKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0)
  for (const chunk of chunks.filter((c) => c.entry).sort((a, b) => byKey(a.entry, b.entry)))
    claim(chunk, moduleSlug(chunk.entry))
  const shared = chunks.filter((c) => !c.entry)
  for (const chunk of shared.filter((c) => c.inputs.length > 0).sort((a, b) => byKey(a.inputs.join(), b.inputs.join())))
    claim(chunk, `chunk-${moduleSlug(chunk.inputs[0])}`)
  // A chunk holding no module holds esbuild's own helpers (`__commonJS`, `__export`, …) or only
  // re-exports others: name it after what it imports, once those have names.
  let pending = shared.filter((c) => c.inputs.length === 0)
  while (pending.length > 0) {
    const ready = pending.filter((c) =>
      c.imports.every((each) => names.has(each) || !chunks.some((o) => o.old === each)),
    )
    const next = ready.length > 0 ? ready : pending
    for (const chunk of next.sort((a, b) => byKey(importKey(a, names), importKey(b, names))))
      claim(
        chunk,
        importKey(chunk, names) === ''
          ? 'chunk-esbuild-runtime'
          : `chunk-of-${importKey(chunk, names).replace(/\.js/g, '').replace(/,/g, '+')}`,
      )
    pending = pending.filter((c) => !next.includes(c))
  }
  return names
}

function importKey(chunk, names) {
  return chunk.imports
    .map((each) => names.get(each) ?? each)
    .sort()
    .join(',')
}

/** Renames the chunk files in `dist` and rewrites every reference to them in the bundle's files. */
export async function renameChunks(dist, files, names) {
  const pattern = new RegExp(
    [...names.keys()].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
    'g',
  )
  for (const file of files) {
    const text = await readFile(file, 'utf8')
    const rewritten = names.size === 0 ? text : text.replace(pattern, (old) => names.get(old))
    if (rewritten !== text) await writeFile(file, rewritten)
  }
  for (const [old, name] of names) await rename(path.join(dist, 'chunks', old), path.join(dist, 'chunks', name))
}
