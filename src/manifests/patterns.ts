// Which files of the GitOps repository the `manifests` input selects. Pure: the caller lists the
// repository (or skips listing entirely when every pattern names a file).

import picomatch from 'picomatch'
import { InputError } from '../errors.js'

const INPUT = 'manifests'
const YAML_FILE = /\.ya?ml$/i
/** The pattern that stands for the whole repository (`.` or `./`). */
const ROOT = '.'

/**
 * Validates the `manifests` input items (already split on newlines/commas). Normalizes `./x`, `x//y`,
 * backslashes -> `/`. Throws naming the item for: absolute paths, `..` escaping the root, empty, NUL,
 * `!` exclusions (picomatch would read them as "everything else").
 * Returns the normalized patterns, each once, in the order given.
 */
export function validateManifestPatterns(patterns: readonly string[]): string[] {
  if (patterns.length === 0)
    throw new InputError(
      INPUT,
      'no file, directory or glob given; list at least one path relative to the GitOps repository root',
    )
  return [...new Set(patterns.map(normalizePattern))]
}

/** True when every pattern is an explicit file path (no glob characters, ends in .yaml/.yml): then no tree listing is needed. */
export function isExplicitFileList(patterns: readonly string[]): boolean {
  return (
    patterns.length > 0 &&
    patterns.every((pattern) => !isGlob(pattern) && YAML_FILE.test(pattern) && !pattern.endsWith('/'))
  )
}

/**
 * Selects manifest files from a repository's file list (all blob paths). A directory pattern selects
 * every *.yaml/*.yml below it recursively; a glob selects the matching *.yaml/*.yml (and those below
 * matching directories); an explicit file selects itself. Throws naming the pattern when one matches
 * nothing. Result sorted, de-duplicated.
 */
export function selectManifestFiles(
  patterns: readonly string[],
  repositoryFiles: readonly string[],
  where: string,
): string[] {
  const normalized = validateManifestPatterns(patterns)
  const files = new Set(repositoryFiles)
  const selected = new Set<string>()
  for (const [index, pattern] of normalized.entries()) {
    const matches = select(pattern, files, repositoryFiles)
    if (matches.length === 0) {
      const what = isGlob(pattern) ? 'no .yaml/.yml file' : 'no file, nor a directory holding .yaml/.yml files,'
      throw new InputError(
        INPUT,
        `"${patterns[index]}" matches ${what} in ${where}; check the path (relative to the repository root, case-sensitive) and the branch`,
      )
    }
    for (const file of matches) selected.add(file)
  }
  return [...selected].sort(compareCodeUnits)
}

function select(pattern: string, files: ReadonlySet<string>, repositoryFiles: readonly string[]): string[] {
  if (pattern === ROOT) return repositoryFiles.filter((file) => YAML_FILE.test(file))
  if (!isGlob(pattern)) {
    // A file the user named explicitly is taken whatever its extension: they asked for it.
    if (files.has(pattern)) return [pattern]
    const prefix = pattern.endsWith('/') ? pattern : `${pattern}/`
    return repositoryFiles.filter((file) => file.startsWith(prefix) && YAML_FILE.test(file))
  }
  const isMatch = picomatch(pattern, { dot: true })
  // A glob may name directories (`apps/*/overlays/prod`): those select their YAML files recursively,
  // like a directory pattern does.
  return repositoryFiles.filter(
    (file) => YAML_FILE.test(file) && (isMatch(file) || ancestors(file).some((directory) => isMatch(directory))),
  )
}

function ancestors(file: string): string[] {
  const result: string[] = []
  for (let slash = file.indexOf('/'); slash >= 0; slash = file.indexOf('/', slash + 1))
    result.push(file.slice(0, slash))
  return result
}

function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob
}

function normalizePattern(item: string): string {
  const quoted = JSON.stringify(item)
  const pattern = item.trim()
  if (pattern === '') throw new InputError(INPUT, 'an item is empty; remove the stray comma or blank entry')
  if (pattern.includes('\0')) throw new InputError(INPUT, `${quoted} contains a NUL character`)
  if (pattern.startsWith('!')) {
    throw new InputError(
      INPUT,
      `${quoted}: exclusions are not supported; list only the files, directories or globs to include`,
    )
  }
  const slashed = pattern.replace(/\\/g, '/')
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    throw new InputError(
      INPUT,
      `${quoted} is an absolute path; give paths relative to the GitOps repository root (e.g. "apps/backend/deployment.yaml")`,
    )
  }
  const segments: string[] = []
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (segments.length === 0)
        throw new InputError(INPUT, `${quoted} points outside the GitOps repository root; remove the ".."`)
      segments.pop()
      continue
    }
    segments.push(segment)
  }
  if (segments.length === 0) return ROOT
  // A trailing slash says "directory", also for a name that ends in .yaml: keep it.
  const joined = segments.join('/')
  return slashed.endsWith('/') && !isGlob(joined) ? `${joined}/` : joined
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
