// The job summary as a terminal shows it: the demo prints what the action wrote to
// GITHUB_STEP_SUMMARY, and GitHub-flavoured Markdown with escapes, code spans and pipe tables
// is hard to read raw. Covers what src/report and src/verify/report.ts write (headings, tables,
// lists, code spans, links, bold, fenced diffs, <details>/<summary>, <br>); anything else passes
// through as written. Pure: markdown and the styles in, lines out.

export interface TextStyle {
  readonly bold: (text: string) => string
  readonly dim: (text: string) => string
  readonly code: (text: string) => string
  readonly added: (text: string) => string
  readonly removed: (text: string) => string
}

export const PLAIN: TextStyle = {
  bold: (text) => text,
  dim: (text) => text,
  code: (text) => text,
  added: (text) => text,
  removed: (text) => text,
}

/** The markdown as lines of text, tables aligned in columns. */
export function markdownToText(markdown: string, style: TextStyle = PLAIN): string[] {
  const out: string[] = []
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n')
  let fence: { marker: string; info: string } | undefined
  /** Rows of the table being read, cells rendered. */
  let table: string[][] = []
  let headerLine = ''
  const flushTable = (): void => {
    if (table.length > 0) out.push(...alignColumns(table))
    table = []
  }
  for (const line of lines) {
    if (fence !== undefined) {
      if (line.trim() === fence.marker) fence = undefined
      else out.push(`  ${fence.info === 'diff' ? colorDiffLine(line, style) : line}`)
      continue
    }
    const opening = /^(`{3,})([\w-]*)\s*$/.exec(line)
    if (opening !== null) {
      flushTable()
      fence = { marker: opening[1]!, info: opening[2]! }
      continue
    }
    if (line.startsWith('|')) {
      const cells = splitRow(line)
      if (table.length === 1 && cells.every((cell) => /^:?-+:?$/.test(cell))) {
        // The row above was the header: bold, or left out when empty (the label/value tables).
        const header = splitRow(headerLine)
        table = header.some((cell) => cell !== '') ? [header.map((cell) => style.bold(inline(cell, style)))] : []
        continue
      }
      if (table.length === 0) headerLine = line
      table.push(cells.map((cell) => inline(cell, style)))
      continue
    }
    flushTable()
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (heading !== null) {
      out.push(style.bold(inline(heading[1]!, style)))
      continue
    }
    const rendered = inline(line, style)
    // <details> and </details> alone on a line, the PR marker comment: nothing to show.
    if (rendered.trim() === '' && line.trim() !== '') continue
    out.push(rendered)
  }
  flushTable()
  // At most one blank line in a row, none at either end.
  const kept: string[] = []
  for (const line of out) {
    const blank = line.trim() === ''
    if (blank && (kept.length === 0 || kept[kept.length - 1] === '')) continue
    kept.push(blank ? '' : line)
  }
  while (kept[kept.length - 1] === '') kept.pop()
  return kept
}

/** Cells of a pipe-table row: split on pipes that are not escaped, `\|` kept as a literal pipe. */
function splitRow(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'))
}

function alignColumns(rows: string[][]): string[] {
  const columns = Math.max(...rows.map((row) => row.length))
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...rows.map((row) => visibleLength(row[column] ?? ''))),
  )
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd(),
  )
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length
}

const PLACEHOLDER = /\uE000(\d+)\uE000/g

/** Code spans first (nothing inside them is markup), then HTML, links, emphasis and escapes. */
function inline(markdown: string, style: TextStyle): string {
  const spans: string[] = []
  const hold = (text: string): string => `\uE000${spans.push(text) - 1}\uE000`
  let text = markdown.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_, _fence: string, content: string) =>
    hold(style.code(/^ .* $/.test(content) && content.trim() !== '' ? content.slice(1, -1) : content)),
  )
  text = text
    .replace(/<code>(.*?)<\/code>/g, (_, content: string) => hold(style.code(decodeEntities(content))))
    .replace(/<br\s*\/?>/g, ', ')
    .replace(/<!--.*?-->|<\/?(details|summary)>/g, '')
    .replace(
      /\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/g,
      (_, label: string, url: string) => `${label} ${hold(style.dim(`<${url}>`))}`,
    )
    .replace(/\*\*(.+?)\*\*/g, (_, content: string) => style.bold(content))
    .replace(/(?<![\w\\])_(.+?)_(?!\w)/g, (_, content: string) => style.dim(content))
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
  return decodeEntities(text).replace(PLACEHOLDER, (_, index: string) => spans[Number(index)]!)
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[name]!)
}

function colorDiffLine(line: string, style: TextStyle): string {
  if (line.startsWith('+++') || line.startsWith('---')) return style.dim(line)
  if (line.startsWith('+')) return style.added(line)
  if (line.startsWith('-')) return style.removed(line)
  if (line.startsWith('@@')) return style.code(line)
  return line
}
