// What a revert puts back. Pure: the files as this run found and left them, and as they are now, in;
// the new contents and a list of what was restored or left alone out.
//
// The run's change is a set of line edits (the image scalars it rewrote). Each edit is undone only
// where the current file still holds exactly what the run wrote, found through a line diff of the
// run's result against the current file, the way `git revert` applies its inverse patch. When
// nothing else touched the file, the result is the file's bytes from before the deploy; an edit
// someone changed since is left alone and reported.
import { diffArrays } from 'diff'

/** A file this run changed: its text before and after the pin, and the pin's change records. */
export interface WrittenFile {
  readonly path: string
  readonly before: string
  readonly after: string
  readonly changes: readonly ChangeRecord[]
}

/** One rewritten image scalar, as the manifests engine reports it (line in the file before the pin). */
export interface ChangeRecord {
  readonly line: number
  readonly kind?: string
  readonly workload?: string
  readonly container?: string
  readonly from: string
  readonly to: string
}

export interface RevertItem {
  readonly path: string
  /** 1-based line in the file before the deploy. */
  readonly line: number
  readonly description: string
}

export interface RevertPlan {
  /** New contents of the files to commit; empty when nothing can be restored. */
  readonly files: readonly { readonly path: string; readonly content: string }[]
  readonly restored: readonly RevertItem[]
  /** Changed by someone else since this run wrote them (or the file is gone): not touched. */
  readonly leftAlone: readonly RevertItem[]
}

interface LineEdit {
  /** Index of the first line in `after` this edit wrote. */
  readonly afterStart: number
  readonly afterLines: readonly string[]
  /** Index of the first line in `before` this edit replaced. */
  readonly beforeStart: number
  readonly beforeLines: readonly string[]
}

export function planRevert(
  written: readonly WrittenFile[],
  current: ReadonlyMap<string, string | undefined>,
): RevertPlan {
  const files: { path: string; content: string }[] = []
  const restored: RevertItem[] = []
  const leftAlone: RevertItem[] = []
  for (const file of written) {
    const edits = lineEdits(file.before, file.after)
    const now = current.get(file.path)
    if (now === undefined) {
      leftAlone.push(...edits.map((edit) => item(file, edit, 'the file was deleted since')))
      continue
    }
    if (now === file.after) {
      // The common case: nothing changed since; the exact bytes from before come back.
      files.push({ path: file.path, content: file.before })
      restored.push(...edits.map((edit) => item(file, edit)))
      continue
    }
    const lines = splitLines(now)
    const map = lineMap(splitLines(file.after), lines)
    const replacements: { at: number; remove: number; insert: readonly string[] }[] = []
    for (const edit of edits) {
      const at = locate(edit, map)
      if (at === undefined) {
        leftAlone.push(item(file, edit, 'changed since this run wrote it'))
        continue
      }
      replacements.push({ at, remove: edit.afterLines.length, insert: edit.beforeLines })
      restored.push(item(file, edit))
    }
    if (replacements.length === 0) continue
    // Bottom-up, so earlier indices stay valid.
    for (const { at, remove, insert } of replacements.sort((a, b) => b.at - a.at)) lines.splice(at, remove, ...insert)
    const content = lines.join('')
    if (content !== now) files.push({ path: file.path, content })
  }
  return { files, restored, leftAlone }
}

/** Lines with their terminators, so joining them gives back the exact text. */
export function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/)
}

/** The run's change as line edits; equal-length hunks split per line so each scalar stands alone. */
function lineEdits(before: string, after: string): LineEdit[] {
  const edits: LineEdit[] = []
  let beforeIndex = 0
  let afterIndex = 0
  let removed: string[] = []
  let added: string[] = []
  const flush = (): void => {
    if (removed.length === 0 && added.length === 0) return
    const beforeStart = beforeIndex - removed.length
    const afterStart = afterIndex - added.length
    if (removed.length === added.length) {
      removed.forEach((line, i) =>
        edits.push({
          beforeStart: beforeStart + i,
          beforeLines: [line],
          afterStart: afterStart + i,
          afterLines: [added[i]!],
        }),
      )
    } else {
      edits.push({ beforeStart, beforeLines: removed, afterStart, afterLines: added })
    }
    removed = []
    added = []
  }
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    if (part.removed) {
      removed.push(...part.value)
      beforeIndex += part.value.length
    } else if (part.added) {
      added.push(...part.value)
      afterIndex += part.value.length
    } else {
      flush()
      beforeIndex += part.value.length
      afterIndex += part.value.length
    }
  }
  flush()
  return edits
}

/** For each line of `from`, its index in `to` when it is part of an unchanged stretch. */
function lineMap(from: readonly string[], to: readonly string[]): (number | undefined)[] {
  const map = new Array<number | undefined>(from.length).fill(undefined)
  let fromIndex = 0
  let toIndex = 0
  for (const part of diffArrays([...from], [...to])) {
    if (part.removed) fromIndex += part.value.length
    else if (part.added) toIndex += part.value.length
    else for (let i = 0; i < part.value.length; i++) map[fromIndex++] = toIndex++
  }
  return map
}

/** Where the edit's lines sit in the current file, when they are all still there, in order. */
function locate(edit: LineEdit, map: readonly (number | undefined)[]): number | undefined {
  if (edit.afterLines.length === 0) {
    // The run only removed lines: anchor on the line before (or after) the gap.
    if (edit.afterStart > 0) {
      const previous = map[edit.afterStart - 1]
      return previous === undefined ? undefined : previous + 1
    }
    return map[0] ?? (map.length === 0 ? 0 : undefined)
  }
  const first = map[edit.afterStart]
  if (first === undefined) return undefined
  for (let i = 1; i < edit.afterLines.length; i++) if (map[edit.afterStart + i] !== first + i) return undefined
  return first
}

function item(file: WrittenFile, edit: LineEdit, why?: string): RevertItem {
  const first = edit.beforeStart + 1
  const last = edit.beforeStart + Math.max(1, edit.beforeLines.length)
  const record = file.changes.find((change) => change.line >= first && change.line <= last)
  const what =
    record === undefined
      ? `${file.path}:${first}`
      : `${file.path}:${record.line}${record.container ? ` container "${record.container}"` : ''}${
          record.workload ? ` in ${record.kind ?? 'workload'} "${record.workload}"` : ''
        } (${record.to} → ${record.from})`
  return { path: file.path, line: record?.line ?? first, description: why === undefined ? what : `${what}: ${why}` }
}
