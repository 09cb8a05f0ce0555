// Reading untrusted YAML safely: nesting bounded before yaml's parser and composer can choke on it,
// alias bombs refused as Kubernetes' own decoder refuses them, and the scalar aliases that a pin
// could change in more places than the image.
import { CST, Composer, Lexer, Parser, isAlias, isMap, isScalar, isSeq } from 'yaml'
import type { Document, Node, ParsedNode, Scalar } from 'yaml'
import { ManifestError } from './manifest-error.js'

/** Far deeper than manifests go, and far below the ~1,000 levels at which yaml's composer runs out of stack. */
const MAX_NESTING = 256

/** An `*alias` whose anchor is a scalar, and where it is written. */
export interface ScalarAlias {
  readonly alias: unknown
  readonly target: Scalar
  readonly line: number
}

export function scalarAliases(document: Document.Parsed, lineOf: (offset: number) => number): ScalarAlias[] {
  const result: ScalarAlias[] = []
  const pending: unknown[] = [document.contents]
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (isAlias(node)) {
      const target = node.resolve(document)
      if (isScalar(target)) result.push({ alias: node, target, line: lineOf(node.range?.[0] ?? 0) })
    } else if (isMap(node)) {
      for (const pair of node.items) pending.push(pair.key, pair.value)
    } else if (isSeq(node)) pending.push(...node.items)
  }
  return result
}

/**
 * yaml's parseAllDocuments, with nesting bounded before each stage that could choke on it: the CST
 * parser slows down quadratically (and runs out of memory) on thousands of `[`/`- - -` levels, and the
 * composer recurses per level, where exhausting the stack can abort Node outright instead of throwing.
 */
export function parseDocuments(content: string, file: string, lineOf: (offset: number) => number): Document.Parsed[] {
  const parser = new Parser()
  const tokens: CST.Token[] = []
  const tooDeep = (offset: number): ManifestError =>
    new ManifestError(
      file,
      lineOf(offset),
      `collections are nested more than ${MAX_NESTING} levels deep; no Kubernetes manifest needs that, refusing to read it`,
    )
  let flowDepth = 0
  let indicatorsOnLine = 0
  let scalarSource = false
  for (const lexeme of new Lexer().lex(content)) {
    if (scalarSource) {
      // The lexeme after the scalar marker is the scalar's own text, whatever characters it holds.
      scalarSource = false
    } else if (lexeme === CST.SCALAR) {
      scalarSource = true
    } else if (lexeme === '[' || lexeme === '{') {
      if (++flowDepth > MAX_NESTING) throw tooDeep(parser.offset)
    } else if (lexeme === ']' || lexeme === '}') {
      flowDepth = Math.max(flowDepth - 1, 0)
    } else if (lexeme === '-' || lexeme === '?' || lexeme === ':') {
      // Block collections nest by indentation, or by several indicators on one line (`- - - x`).
      if (flowDepth === 0 && ++indicatorsOnLine > MAX_NESTING) throw tooDeep(parser.offset)
    } else if (lexeme === '\n' || lexeme === '\r\n') {
      indicatorsOnLine = 0
    }
    for (const token of parser.next(lexeme)) tokens.push(token)
  }
  for (const token of parser.end()) tokens.push(token)
  checkNesting(tokens, tooDeep)
  return Array.from(new Composer<ParsedNode, true>({ merge: true, uniqueKeys: true }).compose(tokens))
}

function checkNesting(tokens: readonly CST.Token[], tooDeep: (offset: number) => ManifestError): void {
  const pending: [CST.Token, number][] = tokens.map((token) => [token, 0])
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next
    if (token.type === 'document') {
      if (token.value) pending.push([token.value, depth])
    } else if (CST.isCollection(token)) {
      if (depth >= MAX_NESTING) throw tooDeep(token.offset)
      for (const item of token.items) {
        if (item.key) pending.push([item.key, depth + 1])
        if (item.value) pending.push([item.value, depth + 1])
      }
    }
  }
}

/** The key written at `offset` (where yaml reports a duplicate), quoted for a message. */
export function duplicateKey(content: string, offset: number): string {
  const key = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^:#\r\n]*?)\s*:/.exec(content.slice(offset, offset + 300))?.[1]
  if (key === undefined || key === '') return 'here'
  return key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`
}

/**
 * Refuses "billion laughs" documents the way Kubernetes' YAML decoder (go-yaml v3) does: too large a
 * share of the expanded nodes coming from aliases. Sizes are computed without expanding anything.
 */
export function checkAliasExpansion(document: Document.Parsed, file: string, lineOf: (offset: number) => number): void {
  let directNodes = 0
  let aliases = 0
  const countDirect = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return
    directNodes += 1
    if (isAlias(node)) {
      aliases += 1
      if (!node.resolve(document))
        throw new ManifestError(
          file,
          lineOf(node.range?.[0] ?? 0),
          `invalid YAML: the alias *${node.source} has no anchor &${node.source} before it`,
        )
    } else if (isMap(node)) {
      for (const pair of node.items) {
        countDirect(pair.key)
        countDirect(pair.value)
      }
    } else if (isSeq(node)) for (const item of node.items) countDirect(item)
  }
  countDirect(document.contents)
  if (aliases === 0) return

  const sizes = new Map<unknown, number>()
  const active = new Set<unknown>()
  const expandedSize = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 0
    const known = sizes.get(node)
    if (known !== undefined) return known
    if (active.has(node)) {
      const offset = (node as Node).range?.[0] ?? document.range[0]
      throw new ManifestError(
        file,
        lineOf(offset),
        'invalid YAML: an anchor contains an alias to itself; remove the cycle',
      )
    }
    active.add(node)
    let size = 1
    if (isAlias(node)) {
      const target = node.resolve(document)
      size += expandedSize(target)
    } else if (isMap(node)) for (const pair of node.items) size += expandedSize(pair.key) + expandedSize(pair.value)
    else if (isSeq(node)) for (const item of node.items) size += expandedSize(item)
    active.delete(node)
    // Capped so that deep bombs stay finite numbers (Infinity / Infinity would compare as NaN).
    size = Math.min(size, MAX_COUNTED_NODES)
    sizes.set(node, size)
    return size
  }
  const total = expandedSize(document.contents)
  const fromAliases = Math.max(total - directNodes, 0)
  if (fromAliases > 100 && total > 1000 && fromAliases / total > allowedAliasRatio(total)) {
    throw new ManifestError(
      file,
      lineOf(document.range[0]),
      `YAML aliases expand this document to ${total >= MAX_COUNTED_NODES ? 'more than ' : ''}${total} nodes from ${directNodes} written ones (an alias bomb); refusing to read it`,
    )
  }
}

const MAX_COUNTED_NODES = 1e15

/** go-yaml v3 `allowedAliasRatio`: small documents may alias freely, huge ones hardly at all. */
function allowedAliasRatio(decoded: number): number {
  const low = 400_000
  const high = 4_000_000
  if (decoded <= low) return 0.99
  if (decoded >= high) return 0.1
  return 0.99 - (0.89 * (decoded - low)) / (high - low)
}
