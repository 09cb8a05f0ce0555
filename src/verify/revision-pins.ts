// The image pins a GitOps commit changed against its first parent, as a revert needs them
// (WrittenFile: the file as it would be with only those lines put back, and as the commit left it).
// Pure. A pin is a changed line that holds a digest-pinned reference (`…@sha256:HEX`) after the
// commit: lines the commit changed for other reasons stay as they are, so a revert undoes only the
// deploy, whoever wrote the commit.
import { diffArrays } from 'diff'
import { type ChangeRecord, type WrittenFile, splitLines } from './revert-plan.js'

const PINNED = /@sha256:[0-9a-f]{64}/

/** Undefined when the commit changed no pin in this file. */
export function pinnedChange(path: string, parent: string, revision: string): WrittenFile | undefined {
  const before: string[] = []
  const changes: ChangeRecord[] = []
  let removed: string[] = []
  let added: string[] = []
  const flush = (): void => {
    if (removed.length === added.length) {
      // Line for line: each replaced line is a pin to put back, or another change to keep.
      added.forEach((line, i) => {
        const old = removed[i]!
        const pin = PINNED.test(line) && line !== old
        if (pin) changes.push({ line: before.length + 1, from: value(old), to: value(line) })
        before.push(pin ? old : line)
      })
    } else {
      before.push(...added)
    }
    removed = []
    added = []
  }
  for (const part of diffArrays(splitLines(parent), splitLines(revision))) {
    if (part.removed) removed.push(...part.value)
    else if (part.added) added.push(...part.value)
    else {
      flush()
      before.push(...part.value)
    }
  }
  flush()
  if (changes.length === 0) return undefined
  return { path, before: before.join(''), after: revision, changes }
}

/** The scalar of a `key: value` line, else the trimmed line. */
function value(line: string): string {
  const match = /^\s*(?:-\s+)?[\w.-]+:\s*["']?([^"'#\s]+)/.exec(line)
  return match?.[1] ?? line.trim()
}
