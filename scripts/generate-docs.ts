// Regenerates the generated parts of the documentation, so they can never disagree with their
// sources: the README's inputs and outputs tables come from action.yml, and every code block
// after an `<!-- include: PATH -->` line in README.md and docs/*.md is the file at PATH (the
// example manifests and workflows, which the tests validate). `npm run docs` rewrites them;
// `npm run docs -- --check` only compares and exits 1 when something has drifted (CI runs that).
import { readFile, readdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { brokenLinks } from './doc-links.js'

export interface ActionInput {
  readonly description?: string
  readonly required?: boolean
  readonly default?: string
}

export interface ActionOutput {
  readonly description?: string
}

export interface ActionMetadata {
  readonly inputs: Readonly<Record<string, ActionInput>>
  readonly outputs: Readonly<Record<string, ActionOutput>>
}

export type Section = 'inputs' | 'outputs'

export const SECTIONS: readonly Section[] = ['inputs', 'outputs']

export function markers(section: Section): { start: string; end: string } {
  return { start: `<!-- ${section}:start -->`, end: `<!-- ${section}:end -->` }
}

/** Reads the parts of action.yml the tables need; throws naming the file when its shape is wrong. */
export function parseActionMetadata(text: string, file = 'action.yml'): ActionMetadata {
  const document: unknown = parse(text)
  if (!isRecord(document)) throw new Error(`${file}: expected a mapping at the top level.`)
  const inputs = document.inputs ?? {}
  const outputs = document.outputs ?? {}
  if (!isRecord(inputs)) throw new Error(`${file}: "inputs" must be a mapping.`)
  if (!isRecord(outputs)) throw new Error(`${file}: "outputs" must be a mapping.`)
  for (const [name, value] of [...Object.entries(inputs), ...Object.entries(outputs)]) {
    if (!isRecord(value)) throw new Error(`${file}: "${name}" must be a mapping with a description.`)
  }
  return { inputs: inputs as Record<string, ActionInput>, outputs: outputs as Record<string, ActionOutput> }
}

export function renderInputsTable(inputs: ActionMetadata['inputs']): string {
  const rows = Object.entries(inputs).map(([name, input]) => {
    const fallback = input.default === undefined || input.default === '' ? '' : code(String(input.default))
    return row([code(name), input.required === true ? 'yes' : 'no', fallback, cell(input.description)])
  })
  return [row(['Input', 'Required', 'Default', 'Description']), row(['---', '---', '---', '---']), ...rows].join('\n')
}

export function renderOutputsTable(outputs: ActionMetadata['outputs']): string {
  const rows = Object.entries(outputs).map(([name, output]) => row([code(name), cell(output.description)]))
  return [row(['Output', 'Description']), row(['---', '---']), ...rows].join('\n')
}

export function renderSection(section: Section, action: ActionMetadata): string {
  return section === 'inputs' ? renderInputsTable(action.inputs) : renderOutputsTable(action.outputs)
}

/** Returns the README with the text between each pair of markers replaced by the generated table. */
export function updateReadme(readme: string, action: ActionMetadata): string {
  let result = readme
  for (const section of SECTIONS) {
    const { start, end } = markers(section)
    const from = result.indexOf(start)
    const to = result.indexOf(end)
    if (from < 0 || to < 0 || to < from) {
      throw new Error(
        `README.md: missing or misordered markers "${start}" … "${end}"; add both around the ${section} table.`,
      )
    }
    if (result.indexOf(start, from + 1) >= 0)
      throw new Error(`README.md: the marker "${start}" appears more than once.`)
    const eol = result.includes('\r\n') ? '\r\n' : '\n'
    const table = renderSection(section, action).replaceAll('\n', eol)
    result = result.slice(0, from + start.length) + eol + eol + table + eol + eol + result.slice(to)
  }
  return result
}

/** The sections whose tables differ from what action.yml generates; empty when the README is current. */
export function driftedSections(readme: string, action: ActionMetadata): Section[] {
  const expected = updateReadme(readme, action)
  if (expected === readme) return []
  return SECTIONS.filter((section) => between(readme, section) !== between(expected, section))
}

function between(text: string, section: Section): string {
  const { start, end } = markers(section)
  return text.slice(text.indexOf(start), text.indexOf(end))
}

/** `<!-- include: examples/x.yaml -->`, then a fenced block on the next line. */
const INCLUDE = /^<!-- include: (\S+) -->\r?\n(`{3,})([^\n`]*)\r?\n([\s\S]*?)^\2[ \t]*$/gm

export interface Include {
  /** Repository-relative path named by the marker. */
  readonly path: string
  /** The code block's current text, without the fences. */
  readonly body: string
}

/** The include markers of a Markdown file, in order. */
export function findIncludes(markdown: string): Include[] {
  return [...markdown.matchAll(INCLUDE)].map((match) => ({ path: match[1] ?? '', body: match[4] ?? '' }))
}

/**
 * Returns the Markdown with each included code block replaced by the named file's text.
 * `read` gives a file's content by repository-relative path.
 */
export function updateIncludes(markdown: string, file: string, read: (path: string) => string): string {
  return markdown.replace(INCLUDE, (_match, target: string, fence: string, info: string) => {
    checkIncludePath(file, target)
    const eol = markdown.includes('\r\n') ? '\r\n' : '\n'
    const content = read(target).replace(/\r?\n$/, '')
    if (content.includes(fence)) throw new Error(`${file}: ${target} contains ${fence}; use a longer fence in ${file}.`)
    return `<!-- include: ${target} -->${eol}${fence}${info}${eol}${content.replace(/\r?\n/g, eol)}${eol}${fence}`
  })
}

/** Includes quote files of this repository only. */
function checkIncludePath(file: string, target: string): void {
  if (target.split('/').includes('..') || path.isAbsolute(target)) {
    throw new Error(`${file}: include path "${target}" must be relative to the repository root, without "..".`)
  }
}

/** Equal up to line endings and one final newline. */
function sameText(a: string, b: string): boolean {
  const normalize = (text: string): string => text.replace(/\r\n/g, '\n').replace(/\n$/, '')
  return normalize(a) === normalize(b)
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** One table cell: folded to a line, pipes escaped so they do not split the cell. */
function cell(text: string | undefined): string {
  return (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replaceAll('|', '\\|')
}

/** Inline code that survives backticks and pipes inside the value. */
function code(text: string): string {
  const escaped = text.replaceAll('|', '\\|')
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The Markdown files whose generated parts this script owns, repository-relative. */
export async function documentationFiles(root: string): Promise<string[]> {
  const docs = await readdir(path.join(root, 'docs')).catch(() => [] as string[])
  return [
    'README.md',
    ...docs
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => `docs/${name}`),
  ]
}

/** What each documentation file should contain; files already current are left out. */
export async function expectedDocumentation(
  root: string,
): Promise<Map<string, { current: string; expected: string; drift: string[] }>> {
  const action = parseActionMetadata(await readFile(path.join(root, 'action.yml'), 'utf8'), 'action.yml')
  const cache = new Map<string, string>()
  const sources = new Map<string, string>()
  for (const file of await documentationFiles(root)) sources.set(file, await readFile(path.join(root, file), 'utf8'))
  // Includes are resolved synchronously from a preloaded cache: collect their targets first.
  for (const [file, text] of sources) {
    for (const { path: target } of findIncludes(text)) {
      checkIncludePath(file, target)
      if (!cache.has(target)) {
        const content = await readFile(path.join(root, target), 'utf8').catch(() => {
          throw new Error(`An include marker names ${target}, which does not exist.`)
        })
        cache.set(target, content)
      }
    }
  }
  const read = (target: string): string => cache.get(target) ?? ''

  const result = new Map<string, { current: string; expected: string; drift: string[] }>()
  for (const [file, current] of sources) {
    let expected = updateIncludes(current, file, read)
    const drift = findIncludes(current)
      .filter(({ path: target, body }) => !sameText(body, read(target)))
      .map(({ path: target }) => `the copy of ${target}`)
    if (file === 'README.md') {
      drift.push(...driftedSections(expected, action).map((section) => `the ${section} table`))
      expected = updateReadme(expected, action)
    }
    if (expected !== current) result.set(file, { current, expected, drift: [...new Set(drift)] })
  }
  return result
}

export async function main(argv: readonly string[], root: string): Promise<number> {
  const check = argv.includes('--check')
  const stale = await expectedDocumentation(root)

  if (check) {
    const broken = await brokenLinks(root)
    for (const problem of broken) console.error(problem)
    if (stale.size === 0 && broken.length === 0) {
      console.log(
        'Documentation is current: README tables match action.yml, every include matches its file, every relative link resolves.',
      )
      return 0
    }
    for (const [file, { drift }] of stale) {
      console.error(`${file} is out of date: ${drift.length > 0 ? drift.join(', ') : 'generated text differs'}.`)
    }
    if (stale.size > 0) console.error('Run `npm run docs` and commit the result.')
    return 1
  }

  for (const [file, { expected }] of stale) {
    await writeFile(path.join(root, file), expected)
    console.log(`${file}: regenerated.`)
  }
  if (stale.size === 0) console.log('Documentation is already up to date.')
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  main(process.argv.slice(2), root).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error))
      process.exitCode = 1
    },
  )
}
