// Checks a release tag against package.json and CHANGELOG.md and prints the release notes: the
// changelog entry of that version. The Release workflow runs it before the tests (so a wrong tag
// fails at once) and again to create the GitHub release with these notes.
//
//   node scripts/release-notes.ts v1.2.3 > notes.md
//
// Node runs this file directly (type stripping): erasable TypeScript and built-ins only.
import { readFileSync } from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const TAG = /^v(\d+)\.(\d+)\.(\d+)$/

/** The major tag a release moves (`v1` for `v1.2.3`). Throws unless `tag` is `vX.Y.Z`. */
export function majorTag(tag: string): string {
  const match = TAG.exec(tag)
  if (match === null) throw new Error(`"${tag}" is not a release tag: releases are tagged vX.Y.Z, e.g. v1.0.0.`)
  return `v${match[1]}`
}

/**
 * The body of the changelog entry `## [VERSION] - DATE` (up to the next `## ` heading or the link
 * definitions at the end), trimmed. Throws naming what to fix when there is none, it is empty, or
 * (with `dated`) it still says Unreleased.
 */
export function changelogEntry(changelog: string, version: string, options: { dated: boolean }): string {
  const lines = changelog.split(/\r?\n/)
  const escaped = version.replace(/\./g, '\\.')
  const start = lines.findIndex((line) => new RegExp(`^## \\[${escaped}\\](\\s|$)`).test(line))
  if (start < 0) throw new Error(`CHANGELOG.md has no entry "## [${version}] - YYYY-MM-DD": add one.`)
  const heading = lines[start]!
  if (options.dated && !/ - \d{4}-\d{2}-\d{2}\s*$/.test(heading)) {
    throw new Error(`CHANGELOG.md: "${heading}" has no release date; write "## [${version}] - YYYY-MM-DD".`)
  }
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => /^## /.test(line) || /^\[[^\]]+\]: /.test(line))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  if (body === '') throw new Error(`CHANGELOG.md: the entry "${heading}" is empty; say what changed.`)
  return body
}

/** Checks the tag against package.json's version and returns the release notes. */
export function releaseNotes(tag: string, packageVersion: string, changelog: string): string {
  majorTag(tag)
  if (tag !== `v${packageVersion}`) {
    throw new Error(
      `The tag ${tag} does not match package.json's version ${packageVersion}: tag v${packageVersion}, or update package.json.`,
    )
  }
  return changelogEntry(changelog, packageVersion, { dated: true })
}

function main(argv: readonly string[]): number {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const tag = argv[0]
  if (tag === undefined) {
    console.error('Usage: node scripts/release-notes.ts vX.Y.Z')
    return 2
  }
  try {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
    const notes = releaseNotes(tag, version, readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'))
    process.stdout.write(`${notes}\n`)
    return 0
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2))
}
