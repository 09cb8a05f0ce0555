// kustomize `images:` entries: an overlay's entry wins over whatever the resources it renders say, so an
// entry for the image must carry the pin too (kustomize v5 renders `NAME:TAG@DIGEST` from `newTag` and
// `digest`). Pure: edits the entry's source text in place, every other byte stays.

import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml'
import { lineOfOffset, parseRelaxed } from './relaxed.js'
import type { YAMLMap } from 'yaml'
import { ManifestError, type ImageChange, namesRepository } from './pin.js'
import { type TextEdit, applyEdits, insertPair, renderScalarText, scalarText } from './edit.js'

/** The file names kustomize reads in a directory (`kubectl kustomize DIR`). */
const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization']

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(path.lastIndexOf('/') + 1))
}

/** One `images:` entry that concerns the image. */
export interface KustomizeImageEntry {
  readonly file: string
  /** 1-based line of the entry's first key. */
  readonly line: number
  readonly name: string
  readonly newName?: string
  readonly newTag?: string
  readonly digest?: string
  /**
   * `pin`: the entry resolves to the image (by `name`, or by `newName` when it renames), so its newTag
   * and digest are set. `renames`: it renames the image to another repository, so no pin reaches what it renders.
   */
  readonly effect: 'pin' | 'renames'
  /** How the entry reads, for messages: `- name: X, newTag: Y`. */
  readonly text: string
  /** @internal the parsed entry */
  readonly node: YAMLMap
}

/** `images:` entries of a kustomization that name `repository` (a normalizedRepository). */
export function findKustomizeImages(content: string, file: string, repository: string): KustomizeImageEntry[] {
  const lineOf = lineOfOffset(content)
  const { documents } = parseRelaxed(content, (text) => [parseAllDocuments(text, { uniqueKeys: true })].flat())
  const entries: KustomizeImageEntry[] = []
  for (const document of documents) {
    const [error] = document.errors
    if (error) {
      throw new ManifestError(
        file,
        lineOf(error.pos[0]),
        `invalid YAML: ${error.message.split('\n')[0]}; fix the file so that it parses`,
      )
    }
    const root = document.contents
    if (!isMap(root)) continue
    const images = root.get('images', true)
    if (!isSeq(images)) continue
    for (const item of images.items) {
      if (!isMap(item)) continue
      const field = (key: string): string | undefined => {
        const value = item.get(key, true)
        if (!isScalar(value) || value.value === null || value.value === undefined) return undefined
        // A plain `newTag: 1.10` is the text 1.10 to kustomize (Go strings), not the number 1.1.
        const source = value.range ? content.slice(value.range[0], value.range[1]) : ''
        return typeof value.value === 'string' && value.type !== 'PLAIN' ? value.value : source
      }
      const name = field('name')
      if (name === undefined) continue
      const newName = field('newName')
      const newTag = field('newTag')
      const digest = field('digest')
      const effect = namesRepository(newName ?? name, repository)
        ? 'pin'
        : newName !== undefined && namesRepository(name, repository)
          ? 'renames'
          : undefined
      if (effect === undefined) continue
      const text = [
        `name: ${name}`,
        ...(newName === undefined ? [] : [`newName: ${newName}`]),
        ...(newTag === undefined ? [] : [`newTag: ${newTag}`]),
        ...(digest === undefined ? [] : [`digest: ${digest}`]),
      ].join(', ')
      entries.push({
        file,
        line: lineOf(item.range?.[0] ?? 0),
        name,
        ...(newName !== undefined && { newName }),
        ...(newTag !== undefined && { newTag }),
        ...(digest !== undefined && { digest }),
        effect,
        text: `- ${text}`,
        node: item,
      })
    }
  }
  return entries
}

/** The reference kustomize renders from an entry (`NAME[:TAG][@DIGEST]`). */
function renderedImage(entry: Pick<KustomizeImageEntry, 'name' | 'newName' | 'newTag' | 'digest'>): string {
  return (
    (entry.newName ?? entry.name) +
    (entry.newTag === undefined ? '' : `:${entry.newTag}`) +
    (entry.digest === undefined ? '' : `@${entry.digest}`)
  )
}

/**
 * Sets `newTag` (when the image has a tag) and `digest` of each `pin` entry, keeping each value's quoting
 * and adding missing keys beside the entry's other keys.
 */
export function pinKustomization(
  content: string,
  file: string,
  entries: readonly KustomizeImageEntry[],
  pin: { readonly tag?: string; readonly digest: string },
): { content: string; changes: ImageChange[] } {
  const edits: TextEdit[] = []
  const changes: ImageChange[] = []
  for (const entry of entries) {
    if (entry.effect !== 'pin') continue
    if (pin.tag === undefined && entry.newTag !== undefined) {
      throw new ManifestError(
        file,
        entry.line,
        `the kustomize images entry for ${entry.name} sets newTag "${entry.newTag}", but the image input has no tag, so the pin would render as ${entry.newTag}@${pin.digest}. ` +
          'Give the image input a tag, or remove newTag from this entry',
      )
    }
    const wanted = { ...entry, ...(pin.tag !== undefined && { newTag: pin.tag }), digest: pin.digest }
    if (renderedImage(entry) === renderedImage(wanted)) continue
    const additions: [string, string][] = []
    for (const [key, value] of [
      ['newTag', pin.tag],
      ['digest', pin.digest],
    ] as const) {
      if (value === undefined) continue
      const scalar = entry.node.get(key, true)
      if (scalar === undefined) {
        additions.push([key, value])
        continue
      }
      const [start, end] = (isScalar(scalar) && scalar.range) || [0, 0]
      const text =
        !isScalar(scalar) || !scalar.range
          ? undefined
          : start === end // `newTag:` with nothing after it
            ? `${content[start - 1] === ':' ? ' ' : ''}${scalarText(value)}`
            : renderScalarText(content.slice(start, end), key === 'newTag' ? entry.newTag! : entry.digest!, value)
      if (text === undefined) {
        throw new ManifestError(
          file,
          entry.line,
          `${key} of the kustomize images entry for ${entry.name} is not a one-line value; write it as ${key}: VALUE`,
        )
      }
      edits.push({ start, end, text })
    }
    if (additions.length > 0) {
      const insertion = insertPair(content, entry.node, additions)
      if (insertion === undefined) {
        throw new ManifestError(
          file,
          entry.line,
          `cannot add ${additions.map(([key]) => key).join(' and ')} to the kustomize images entry for ${entry.name} without reformatting it; add ${additions.map(([key]) => `${key}: ""`).join(' and ')} to it by hand once, and the action keeps it up to date`,
        )
      }
      edits.push(insertion)
    }
    changes.push({
      file,
      line: entry.line,
      workload: 'images',
      kind: 'Kustomization',
      container: '',
      from: renderedImage(entry),
      to: renderedImage(wanted),
    })
  }
  return { content: applyEdits(content, edits), changes }
}
