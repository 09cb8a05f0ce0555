// The `fields` input: scalars outside container lists that carry the image (Helm values, Argo CD
// Application Helm parameters, operator CRDs), each named as FILE#KEY.PATH[=tag|=digest]. Pure.

import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml'
import { lineOfOffset, parseRelaxed } from './relaxed.js'
import { InputError } from '../errors.js'
import { parseImageReference } from '../image/reference.js'
import { ManifestError, type ImageChange } from './pin.js'
import { pinScalars } from './scalar-pins.js'

const INPUT = 'fields'

/** What is written: the whole pinned reference, `TAG@sha256:…`, or `sha256:…`. */
export type FieldValue = 'image' | 'tag' | 'digest'

export interface FieldTarget {
  readonly file: string
  /** Map keys, or sequence indexes (`parameters.1.value`). */
  readonly path: readonly string[]
  readonly value: FieldValue
  /** As written in the input, for messages. */
  readonly text: string
}

/**
 * Parses the `fields` input (one target per line). `needsTag` is false when the image input has no
 * tag, so `=tag` cannot be honoured.
 */
export function parseFieldTargets(input: string, hasTag: boolean): FieldTarget[] {
  const targets: FieldTarget[] = []
  for (const raw of input.split(/\r?\n/)) {
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) continue
    const match = /^([^#]+)#([^=]+?)(?:=(\w+))?$/.exec(text)
    if (!match) {
      throw new InputError(
        INPUT,
        `"${text}" is not FILE#KEY.PATH, FILE#KEY.PATH=tag or FILE#KEY.PATH=digest (e.g. charts/backend/values-prod.yaml#image.tag=tag)`,
      )
    }
    const [, fileText, pathText, valueText] = match as unknown as [string, string, string, string | undefined]
    const file = fileText.trim().replace(/^\.\//, '')
    if (file.startsWith('/') || file.split('/').includes('..')) {
      throw new InputError(INPUT, `"${text}": give the file relative to the GitOps repository root, without ".."`)
    }
    const path = pathText.trim().split('.')
    if (path.some((key) => key === '')) {
      throw new InputError(
        INPUT,
        `"${text}": the key path "${pathText.trim()}" has an empty key; separate keys with single dots`,
      )
    }
    const value = valueText === undefined ? 'image' : valueText
    if (value !== 'image' && value !== 'tag' && value !== 'digest') {
      throw new InputError(
        INPUT,
        `"${text}": "=${valueText}" is not one of =tag, =digest (or nothing for the whole reference)`,
      )
    }
    if (value === 'tag' && !hasTag) {
      throw new InputError(
        INPUT,
        `"${text}" asks for the tag, but the image input has none; use =digest, or give the image a tag`,
      )
    }
    targets.push({ file, path, value, text })
  }
  return targets
}

/** The value a target receives from the pinned reference `REPO[:TAG]@sha256:…`. */
export function fieldValue(target: FieldTarget, pinned: string): string {
  const reference = parseImageReference(pinned)
  switch (target.value) {
    case 'image':
      return pinned
    case 'tag':
      return `${reference.tag ?? ''}@${reference.digest ?? ''}`
    case 'digest':
      return reference.digest ?? ''
  }
}

export interface FieldSite {
  readonly target: FieldTarget
  readonly line: number
  readonly current: string
  readonly range: readonly [number, number]
}

/** Writes each site's value, keeping its quoting; unchanged values produce no change. */
export function pinFields(
  content: string,
  sites: readonly FieldSite[],
  pinned: string,
): { content: string; changes: ImageChange[] } {
  return pinScalars(
    content,
    sites.map((site) => ({
      file: site.target.file,
      line: site.line,
      range: site.range,
      from: site.current,
      to: fieldValue(site.target, pinned),
      workload: site.target.path.join('.'),
      kind: 'field',
      notOneLine: `${site.target.path.join('.')} is a value over several lines; write it on one line so that it can be pinned (${site.target.text})`,
    })),
  )
}

/** Finds each target's scalar in `content` (the first document holding the key path). */
export function findFieldSites(content: string, targets: readonly FieldTarget[]): FieldSite[] {
  const [first] = targets
  // Most files are named by no field: no parse for them.
  if (first === undefined) return []
  const lineOf = lineOfOffset(content)
  const { documents: all } = parseRelaxed(content, (text) => [parseAllDocuments(text, { uniqueKeys: true })].flat())
  const [error] = all.flatMap((document) => document.errors)
  if (error) {
    throw new ManifestError(
      first.file,
      lineOf(error.pos[0]),
      `invalid YAML: ${error.message.split('\n')[0]}; fix the file so that it parses (named in the fields input as ${first.text})`,
    )
  }
  const sites: FieldSite[] = []
  for (const target of targets) {
    let found: FieldSite | undefined
    let problem = `has no key ${target.path.join('.')}`
    for (const document of all) {
      let node: unknown = document.contents
      let walked = 0
      for (const key of target.path) {
        if (isMap(node)) node = node.get(key, true)
        else if (isSeq(node) && /^\d+$/.test(key)) node = node.get(Number(key), true)
        else {
          node = undefined
        }
        if (node === undefined) break
        walked++
      }
      if (node === undefined) {
        if (walked > 0)
          problem = `has no key ${target.path.join('.')} (it stops at ${target.path.slice(0, walked).join('.')})`
        continue
      }
      if (!isScalar(node) || !node.range || (node.value !== null && typeof node.value === 'object')) {
        problem = `holds a ${isMap(node) ? 'mapping' : isSeq(node) ? 'list' : 'non-scalar'} at ${target.path.join('.')}, not a single value`
        continue
      }
      const [start, end] = node.range
      const source = content.slice(start, end)
      const current = node.type === 'PLAIN' || typeof node.value !== 'string' ? source : node.value
      found = { target, line: lineOf(start), current, range: [start, end] }
      break
    }
    if (!found) throw new InputError(INPUT, `${target.file} ${problem}; check "${target.text}"`)
    sites.push(found)
  }
  return sites
}
