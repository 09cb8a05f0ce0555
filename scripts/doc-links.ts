// The link check of `npm run docs -- --check`: every relative link in the Markdown documentation
// (README.md, CONTRIBUTING.md, SECURITY.md, CHANGELOG.md, docs/*.md) names a file that exists and,
// with `#anchor`, a heading of that file as GitHub renders it. Pure functions plus one reader.
import { readFile, readdir, stat } from 'node:fs/promises'
import * as path from 'node:path'

/** GitHub's anchor of a heading: lower case, punctuation dropped (not `-` or `_`), spaces as `-`. */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every anchor a Markdown file offers: its headings (`-1`, `-2` for repeats) and explicit `<a id|name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced
    if (fenced) continue
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) {
      const slug = headingSlug(heading[1]!)
      const count = seen.get(slug) ?? 0
      seen.set(slug, count + 1)
      anchors.add(count === 0 ? slug : `${slug}-${count}`)
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!)
  }
  return anchors
}

/** Relative links `[text](target)` outside code, with the 1-based line they are on. */
export function relativeLinks(markdown: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = []
  let fenced = false
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced
    if (fenced) return
    const outsideCode = text.replace(/`[^`]*`/g, '')
    for (const match of outsideCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1]!
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      links.push({ target, line: index + 1 })
    }
  })
  return links
}

/** The Markdown files the check reads, repository-relative. */
export async function linkedDocuments(root: string): Promise<string[]> {
  const top = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md']
  const docs = (await readdir(path.join(root, 'docs')).catch(() => [] as string[]))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  const present: string[] = []
  for (const file of [...top, ...docs]) if (await exists(path.join(root, file))) present.push(file)
  return present
}

/** `FILE:LINE: link TARGET …` for every relative link that points nowhere. */
export async function brokenLinks(root: string, files?: readonly string[]): Promise<string[]> {
  const problems: string[] = []
  const anchors = new Map<string, Set<string>>()
  const anchorsIn = async (file: string): Promise<Set<string>> => {
    let found = anchors.get(file)
    if (found === undefined) {
      found = anchorsOf(await readFile(path.join(root, file), 'utf8'))
      anchors.set(file, found)
    }
    return found
  }
  for (const file of files ?? (await linkedDocuments(root))) {
    const text = await readFile(path.join(root, file), 'utf8')
    for (const { target, line } of relativeLinks(text)) {
      const [rawPath = '', anchor] = target.split('#', 2)
      const linked =
        rawPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(rawPath)))
      const where = `${file}:${line}: link ${target}`
      if (linked.startsWith('..')) {
        problems.push(`${where} leaves the repository`)
        continue
      }
      if (!(await exists(path.join(root, linked)))) {
        problems.push(`${where} names ${linked}, which does not exist`)
        continue
      }
      if (anchor !== undefined && anchor !== '' && linked.endsWith('.md') && !(await anchorsIn(linked)).has(anchor)) {
        problems.push(`${where}: ${linked} has no heading with the anchor #${anchor}`)
      }
    }
  }
  return problems
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}
