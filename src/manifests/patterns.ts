// Which files of the GitOps repository the `manifests` input selects. Pure: the caller lists the
// repository (or skips listing entirely when every pattern names a file).

import picomatch from 'picomatch'
import { InputError } from '../errors.js'

const INPUT = 'manifests'
const EXCLUDE = '!'
const YAML_FILE = /\.ya?ml$/i
/** The pattern that stands for the whole repository (`.` or `./`). */
const ROOT = '.'

/**
 * Splits the `manifests` input into items: on new lines, and on commas outside `{…}` so that brace
 * globs (`apps/{dev,prod}/deploy.yaml`) stay whole. Blank items are dropped.
 */
export function splitManifestsInput(value: string): string[] {
  const items: string[] = []
  let depth = 0
  let current = ''
  for (const char of value) {
    if (char === '{') depth++
    else if (char === '}') depth = Math.max(depth - 1, 0)
    if (char === '\n' || char === '\r' || (char === ',' && depth === 0)) {
      items.push(current)
      current = ''
      // A brace left open on one line does not swallow the next lines.
      if (char !== ',') depth = 0
      continue
    }
    current += char
  }
  items.push(current)
  return items.map((item) => item.trim()).filter((item) => item !== '')
}

/**
 * Validates the `manifests` input items (already split). Normalizes `./x`, `x//y`, backslashes -> `/`.
 * Items starting with `!` are exclusions (`!charts/**`). Throws naming the item for: absolute paths, `..`
 * escaping the root, empty, NUL, or exclusions only. Returns the normalized patterns (exclusions keep
 * their `!`), each once, in the order given.
 */
export function validateManifestPatterns(patterns: readonly string[]): string[] {
  const normalized = [...new Set(patterns.map(normalizePattern))]
  if (!normalized.some((pattern) => !isExclusion(pattern)))
    throw new InputError(
      INPUT,
      'no file, directory or glob given; list at least one path relative to the GitOps repository root' +
        (normalized.length > 0 ? ' besides the exclusions ("!…")' : ''),
    )
  return normalized
}

function isExclusion(pattern: string): boolean {
  return pattern.startsWith(EXCLUDE)
}

/** True when every pattern is an explicit file path (no glob characters, ends in .yaml/.yml): then no tree listing is needed. */
export function isExplicitFileList(patterns: readonly string[]): boolean {
  return (
    patterns.length > 0 &&
    patterns.every(
      (pattern) => !isExclusion(pattern) && !isGlob(pattern) && YAML_FILE.test(pattern) && !pattern.endsWith('/'),
    )
  )
}

/** The files a `manifests` input selects, and how. */
export interface ManifestSelection {
  /** Sorted, de-duplicated. */
  readonly files: string[]
  /** Files named as themselves (not reached through a directory or a glob). */
  readonly named: ReadonlySet<string>
  /** Whether an exclusion (`!…`) covers this path. */
  readonly excluded: (path: string) => boolean
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
  return selectManifests(patterns, repositoryFiles, where).files
}

/** selectManifestFiles, also telling which files were named explicitly and what the exclusions cover. */
export function selectManifests(
  patterns: readonly string[],
  repositoryFiles: readonly string[],
  where: string,
): ManifestSelection {
  const normalized = validateManifestPatterns(patterns)
  const files = new Set(repositoryFiles)
  const exclusions = normalized.filter(isExclusion).map((pattern) => coverage(pattern.slice(EXCLUDE.length)))
  const excluded = (path: string): boolean => exclusions.some((covers) => covers(path))
  const selected = new Set<string>()
  const named = new Set<string>()
  for (const pattern of normalized) {
    if (isExclusion(pattern)) continue
    const matches = select(pattern, files, repositoryFiles)
    if (matches.length === 0) {
      const what = isGlob(pattern) ? 'no .yaml/.yml file' : 'no file, nor a directory holding .yaml/.yml files,'
      throw new InputError(
        INPUT,
        `"${pattern}" matches ${what} in ${where}; check the path (relative to the repository root, case-sensitive) and the branch`,
      )
    }
    const kept = matches.filter((file) => !excluded(file))
    if (kept.length === 0) {
      throw new InputError(
        INPUT,
        `"${pattern}" selects only files that the exclusions remove (${matches.slice(0, 3).join(', ')}${matches.length > 3 ? ', …' : ''}); remove it or narrow the exclusions`,
      )
    }
    if (files.has(pattern)) named.add(pattern)
    for (const file of kept) selected.add(file)
  }
  return { files: [...selected].sort(compareCodeUnits), named, excluded }
}

/** Whether a path lies under an exclusion: the file itself, a directory above it, or a glob matching either. */
function coverage(pattern: string): (path: string) => boolean {
  if (pattern === ROOT) return () => true
  if (!isGlob(pattern)) return (path) => path === pattern || path.startsWith(`${pattern}/`)
  const isMatch = picomatch(pattern, { dot: true })
  return (path) => isMatch(path) || ancestors(path).some((directory) => isMatch(directory))
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
  if (pattern.startsWith(EXCLUDE)) {
    const rest = pattern.slice(EXCLUDE.length).trim()
    if (rest === '' || rest.startsWith(EXCLUDE))
      throw new InputError(INPUT, `${quoted}: write an exclusion as "!" followed by a path or glob, e.g. "!charts/**"`)
    return EXCLUDE + normalizePattern(rest)
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
