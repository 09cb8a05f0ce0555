// Shared by the documentation tests: where the repository is, and which files they check.
import { readdirSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseActionMetadata, type ActionMetadata } from '../../scripts/generate-docs.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Repository-relative paths of the files under `dir` whose names end with one of `extensions`. */
export function filesUnder(dir: string, extensions: readonly string[]): string[] {
  const found: string[] = []
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(ROOT, relative), { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name)
      if (entry.isDirectory()) walk(child)
      else if (extensions.some((extension) => entry.name.endsWith(extension))) found.push(child)
    }
  }
  walk(dir)
  return found.sort()
}

export function read(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8')
}

export function actionMetadata(): ActionMetadata {
  return parseActionMetadata(read('action.yml'))
}

/** README.md and docs/*.md. */
export function markdownFiles(): string[] {
  return ['README.md', ...filesUnder('docs', ['.md'])]
}

/** The fenced code blocks of a Markdown file, with their info string and the line before them. */
export function codeBlocks(markdown: string): { info: string; body: string; previousLine: string }[] {
  const blocks: { info: string; body: string; previousLine: string }[] = []
  const lines = markdown.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i] ?? '')
    if (!open) continue
    const [, indent = '', fence = '', info = ''] = open
    const body: string[] = []
    let j = i + 1
    for (; j < lines.length && !new RegExp(`^${indent}${fence}\\s*$`).test(lines[j] ?? ''); j++) {
      body.push((lines[j] ?? '').slice(indent.length))
    }
    blocks.push({ info: info.trim(), body: body.join('\n'), previousLine: lines[i - 1] ?? '' })
    i = j
  }
  return blocks
}

/** Follows a dotted path through parsed YAML; undefined when any step is missing. */
export function at(value: unknown, dotted: string): unknown {
  let current = value
  for (const key of dotted.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
