// The real renderer for tests: `kubectl kustomize DIR` (kustomize v5 built into kubectl), as Argo CD
// renders a kustomize application. Argument arrays, no shell.
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { parseAllDocuments } from 'yaml'

const run = promisify(execFile)

/** The rendered YAML of the kustomization in `directory`. */
export async function kustomize(directory: string): Promise<string> {
  const { stdout } = await run('kubectl', ['kustomize', directory], { maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** Writes `files` (path → content) below a new temporary directory; the caller removes it. */
export async function writeTree(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'kustomize-'))
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.join(root, path.dirname(file)), { recursive: true })
    await writeFile(path.join(root, file), content)
  }
  return root
}

/** Directories of the kustomizations among `files`. */
export function kustomizationDirectories(files: Iterable<string>): string[] {
  return [...files]
    .filter((file) => /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(file))
    .map((file) => path.posix.dirname(file))
    .sort()
}

/** Renders every kustomization of `files`, by directory. */
export async function renderAll(files: Readonly<Record<string, string>>): Promise<Map<string, string>> {
  const root = await writeTree(files)
  try {
    const rendered = new Map<string, string>()
    for (const directory of kustomizationDirectories(Object.keys(files)))
      rendered.set(directory, await kustomize(path.join(root, directory)))
    return rendered
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** Every `image` of a container or init container anywhere in the rendered documents. */
export function renderedImages(rendered: string): string[] {
  const images: string[] = []
  const visit = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) {
        if ((key === 'containers' || key === 'initContainers') && item && typeof item === 'object') {
          const image = (item as { image?: unknown }).image
          if (typeof image === 'string') images.push(image)
        }
        visit(item)
      }
    } else if (node && typeof node === 'object') {
      for (const [child, value] of Object.entries(node)) visit(value, child)
    }
  }
  for (const document of parseAllDocuments(rendered)) visit(document.toJS())
  return images
}

/**
 * The lines that differ between two renders of the same kustomization, as [before, after]; throws when
 * the renders differ in their number of lines (something other than a value changed).
 */
export function changedLines(before: string, after: string): [string, string][] {
  const a = before.split('\n')
  const b = after.split('\n')
  if (a.length !== b.length) throw new Error(`the renders differ in length: ${a.length} lines, then ${b.length}`)
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index]!] as [string, string]]))
}
