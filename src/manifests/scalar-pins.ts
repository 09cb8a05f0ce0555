// Setting scalars of a manifest to new values in place, keeping each one's quoting and every other
// byte: what `fields` (a Helm value, an Argo CD parameter) and JSON6902 patch values share. Pure.
import { type TextEdit, applyEdits, renderScalarText } from './edit.js'
import { ManifestError } from './manifest-error.js'
import type { ImageChange } from './pin.js'

/** One scalar to set, and how its change is reported. */
export interface ScalarPin {
  readonly file: string
  readonly line: number
  /** Offsets of the scalar's source text, quotes included; empty for a key with no value yet. */
  readonly range: readonly [number, number]
  readonly from: string
  readonly to: string
  /** `workload` and `kind` of the reported change. */
  readonly workload: string
  readonly kind: string
  /** Why a scalar written over several lines cannot be pinned, and what to do. */
  readonly notOneLine: string
}

/** Writes every pin whose value changes; two pins of one scalar are an error. */
export function pinScalars(content: string, pins: readonly ScalarPin[]): { content: string; changes: ImageChange[] } {
  const edits: TextEdit[] = []
  const changes: ImageChange[] = []
  let cursor = 0
  for (const pin of [...pins].sort((a, b) => a.range[0] - b.range[0])) {
    if (pin.from === pin.to) continue
    const [start, end] = pin.range
    if (start < cursor) throw new ManifestError(pin.file, pin.line, 'two entries name the same value')
    const text = start === end ? JSON.stringify(pin.to) : renderScalarText(content.slice(start, end), pin.from, pin.to)
    if (text === undefined) throw new ManifestError(pin.file, pin.line, pin.notOneLine)
    // A key with no value yet (`image:`) gets a space before the one it receives.
    edits.push({ start, end, text: start === end && content[start - 1] === ':' ? ` ${text}` : text })
    cursor = end
    const { file, line, workload, kind, from, to } = pin
    changes.push({ file, line, workload, kind, container: '', from, to })
  }
  return { content: edits.length === 0 ? content : applyEdits(content, edits), changes }
}
