// POST /graphql of the GitHub stand-in. @octokit/graphql-schema is not installed, so queries are checked
// structurally here: parsed (a GraphQL subset: one operation, variables, aliases, arguments, inline
// fragments), every field checked against the slice of GitHub's schema below, every variable declared,
// typed and used. Each top-level field has a handler; `handleGraphql` picks them by operation type and
// field name, so another field (a mutation, say) is one more entry in GRAPHQL_FIELDS.
import type { GitRepo } from './git.js'
import type { RepoModel, Reply } from './handlers.js'
import type { Site } from './shapes.js'
import {
  MERGE_ENUMS,
  MERGE_MUTATIONS,
  MERGE_POSSIBLE_TYPES,
  MERGE_SCHEMA,
  repositoryMergeField,
} from './graphql-merge.js'

// ---- parsing ---------------------------------------------------------------------------------

export type Value =
  | { kind: 'variable'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'enum'; value: string }
  | { kind: 'list'; items: Value[] }
  | { kind: 'object'; fields: Record<string, Value> }

export interface Selection {
  /** Response key: the alias, else the field name. */
  readonly key: string
  readonly name: string
  readonly args: Record<string, Value>
  readonly selections: Selection[]
  /** Set for the selections of `... on Type { }`. */
  readonly onType?: string
}

export interface Operation {
  readonly type: 'query' | 'mutation'
  readonly name?: string
  readonly variables: Record<string, string>
  readonly selections: Selection[]
}

export class GraphqlError extends Error {
  constructor(
    message: string,
    readonly code = 'parseError',
  ) {
    super(message)
  }
}

const PUNCTUATION = /^(\.\.\.|[{}()[\]:!$=@|&])/
const NAME = /^[_A-Za-z][_0-9A-Za-z]*/
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/
const STRING = /^"(?:[^"\\\n]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/

function tokenize(source: string): string[] {
  const tokens: string[] = []
  let rest = source
  while (rest.length > 0) {
    const skipped = /^(?:[\s,\uFEFF]+|#[^\n]*)/.exec(rest)
    if (skipped) {
      rest = rest.slice(skipped[0].length)
      continue
    }
    const token =
      PUNCTUATION.exec(rest)?.[0] ?? NAME.exec(rest)?.[0] ?? NUMBER.exec(rest)?.[0] ?? STRING.exec(rest)?.[0]
    if (token === undefined) throw new GraphqlError(`Parse error on "${rest.slice(0, 10)}"`)
    tokens.push(token)
    rest = rest.slice(token.length)
  }
  return tokens
}

class Parser {
  private index = 0
  constructor(private readonly tokens: string[]) {}

  document(): Operation {
    let type: Operation['type'] = 'query'
    let name: string | undefined
    const variables: Record<string, string> = {}
    if (this.peek() === 'query' || this.peek() === 'mutation') {
      type = this.next() as Operation['type']
      if (NAME.test(this.peek() ?? '') && this.peek() !== '{' && this.peek() !== '(') name = this.next()
      if (this.peek() === '(') {
        this.expect('(')
        while (this.peek() !== ')') {
          this.expect('$')
          const variable = this.name()
          this.expect(':')
          variables[variable] = this.type()
        }
        this.expect(')')
      }
    }
    const selections = this.selectionSet()
    if (this.peek() !== undefined) throw new GraphqlError(`Parse error on "${this.peek()}": one operation per request`)
    return { type, ...(name !== undefined && { name }), variables, selections }
  }

  private type(): string {
    let text: string
    if (this.peek() === '[') {
      this.next()
      text = `[${this.type()}]`
      this.expect(']')
    } else text = this.name()
    if (this.peek() === '!') text += this.next()
    return text
  }

  private selectionSet(): Selection[] {
    this.expect('{')
    const selections: Selection[] = []
    while (this.peek() !== '}') {
      if (this.peek() === '...') {
        this.next()
        if (this.next() !== 'on')
          throw new GraphqlError('Parse error: only inline fragments (... on Type) are supported')
        const onType = this.name()
        for (const selection of this.selectionSet()) selections.push({ ...selection, onType })
        continue
      }
      const key = this.name()
      let name = key
      if (this.peek() === ':') {
        this.next()
        name = this.name()
      }
      const args: Record<string, Value> = {}
      if (this.peek() === '(') {
        this.next()
        while (this.peek() !== ')') {
          const arg = this.name()
          this.expect(':')
          args[arg] = this.value()
        }
        this.expect(')')
      }
      const children = this.peek() === '{' ? this.selectionSet() : []
      selections.push({ key, name, args, selections: children })
    }
    this.expect('}')
    return selections
  }

  private value(): Value {
    const token = this.next()
    if (token === '$') return { kind: 'variable', name: this.name() }
    if (token === undefined) throw new GraphqlError('Parse error: unexpected end of query')
    if (token.startsWith('"')) return { kind: 'string', value: JSON.parse(token) as string }
    if (NUMBER.test(token) && !NAME.test(token)) return { kind: 'number', value: Number(token) }
    if (token === 'true' || token === 'false') return { kind: 'boolean', value: token === 'true' }
    if (token === 'null') return { kind: 'null' }
    if (token === '[') {
      const items: Value[] = []
      while (this.peek() !== ']') items.push(this.value())
      this.next()
      return { kind: 'list', items }
    }
    if (token === '{') {
      const fields: Record<string, Value> = {}
      while (this.peek() !== '}') {
        const field = this.name()
        this.expect(':')
        fields[field] = this.value()
      }
      this.next()
      return { kind: 'object', fields }
    }
    if (NAME.test(token)) return { kind: 'enum', value: token }
    throw new GraphqlError(`Parse error on "${token}"`)
  }

  private name(): string {
    const token = this.next()
    if (token === undefined || !NAME.test(token) || token.length !== NAME.exec(token)![0].length)
      throw new GraphqlError(`Parse error on "${token ?? 'end of query'}": expected a name`)
    return token
  }

  private expect(token: string): void {
    const actual = this.next()
    if (actual !== token) throw new GraphqlError(`Parse error on "${actual ?? 'end of query'}": expected "${token}"`)
  }

  private peek(): string | undefined {
    return this.tokens[this.index]
  }

  private next(): string | undefined {
    return this.tokens[this.index++]
  }
}

export function parseOperation(query: string): Operation {
  return new Parser(tokenize(query)).document()
}

// ---- the slice of GitHub's schema the stand-in answers ----------------------------------------

interface FieldSpec {
  /** Return type name (`String`, `Repository`, …); `!` and lists are left out. */
  readonly type: string
  readonly args?: Record<string, string>
}

const SCALARS = new Set(['String', 'Int', 'Boolean', 'ID', 'GitObjectID', 'URI', 'DateTime', ...MERGE_ENUMS])
const GIT_OBJECT_FIELDS: Record<string, FieldSpec> = {
  oid: { type: 'GitObjectID' },
  abbreviatedOid: { type: 'String' },
}

/** Types and their fields, as in GitHub's public schema (docs.github.com/graphql). Extend as handlers grow. */
export const SCHEMA: Record<string, Record<string, FieldSpec>> = {
  Query: {
    repository: { type: 'Repository', args: { owner: 'String!', name: 'String!', followRenames: 'Boolean' } },
  },
  Mutation: {},
  Repository: {
    id: { type: 'ID' },
    name: { type: 'String' },
    nameWithOwner: { type: 'String' },
    object: { type: 'GitObject', args: { expression: 'String', oid: 'GitObjectID' } },
  },
  GitObject: GIT_OBJECT_FIELDS,
  Blob: {
    ...GIT_OBJECT_FIELDS,
    byteSize: { type: 'Int' },
    isBinary: { type: 'Boolean' },
    isTruncated: { type: 'Boolean' },
    text: { type: 'String' },
  },
  Tree: { ...GIT_OBJECT_FIELDS },
  Commit: { ...GIT_OBJECT_FIELDS, message: { type: 'String' } },
  Tag: { ...GIT_OBJECT_FIELDS, name: { type: 'String' } },
}
for (const [type, fields] of Object.entries(MERGE_SCHEMA)) SCHEMA[type] = { ...SCHEMA[type], ...fields }
SCHEMA.Commit = { ...SCHEMA.Commit, statusCheckRollup: { type: 'StatusCheckRollup' } }

/** Which concrete types an abstract type may be (for `... on X`). */
const POSSIBLE_TYPES: Record<string, readonly string[]> = {
  GitObject: ['Blob', 'Tree', 'Commit', 'Tag'],
  ...MERGE_POSSIBLE_TYPES,
}

/** Problems with the operation against SCHEMA and the variables sent; [] when it is valid. */
export function validateOperation(operation: Operation, variables: Record<string, unknown>): string[] {
  const problems: string[] = []
  const used = new Set<string>()
  const visit = (selections: readonly Selection[], parent: string): void => {
    for (const selection of selections) {
      const owner = selection.onType ?? parent
      if (selection.onType !== undefined && !(POSSIBLE_TYPES[parent] ?? [parent]).includes(selection.onType)) {
        problems.push(`Fragment on ${selection.onType} can't be spread inside ${parent}`)
        continue
      }
      if (selection.name === '__typename') continue
      const field = SCHEMA[owner]?.[selection.name]
      if (!field) {
        problems.push(`Field '${selection.name}' doesn't exist on type '${owner}'`)
        continue
      }
      for (const [arg, value] of Object.entries(selection.args)) {
        const declared = field.args?.[arg]
        if (declared === undefined) problems.push(`Field '${selection.name}' doesn't accept argument '${arg}'`)
        else if (value.kind === 'variable') {
          used.add(value.name)
          const type = operation.variables[value.name]
          if (type === undefined) problems.push(`Variable $${value.name} is used by ${selection.name} but not declared`)
          else if (
            type.replace(/!$/, '') !== declared.replace(/!$/, '') ||
            (declared.endsWith('!') && !type.endsWith('!'))
          )
            problems.push(`Type mismatch on variable $${value.name} and argument ${arg} (${type} / ${declared})`)
        }
      }
      for (const [arg, type] of Object.entries(field.args ?? {}))
        if (type.endsWith('!') && !(arg in selection.args))
          problems.push(`Field '${selection.name}' is missing required argument '${arg}'`)
      const isLeaf = SCALARS.has(field.type)
      if (isLeaf && selection.selections.length > 0)
        problems.push(`Selections can't be made on scalars (field '${selection.name}' returns ${field.type})`)
      if (!isLeaf && selection.selections.length === 0)
        problems.push(`Field must have selections (field '${selection.name}' returns ${field.type})`)
      visit(selection.selections, field.type)
    }
  }
  visit(operation.selections, operation.type === 'query' ? 'Query' : 'Mutation')
  for (const [name, type] of Object.entries(operation.variables)) {
    if (!used.has(name)) problems.push(`Variable $${name} is declared by ${operation.name ?? 'anonymous'} but not used`)
    const value = variables[name]
    if (type.endsWith('!') && (value === undefined || value === null))
      problems.push(`Variable $${name} of type ${type} was provided invalid value`)
    if (value !== undefined && value !== null && type.replace(/!$/, '') === 'String' && typeof value !== 'string')
      problems.push(`Variable $${name} of type ${type} was provided invalid value`)
  }
  return problems
}

/** GraphQL lives at /graphql, on GitHub Enterprise Server at /api/graphql beside the REST /api/v3. */
export function isGraphqlPath(pathname: string, apiPrefix: string): boolean {
  const base = apiPrefix.endsWith('/v3') ? apiPrefix.slice(0, -'/v3'.length) : apiPrefix
  return pathname === `${base}/graphql`
}

// ---- answering ---------------------------------------------------------------------------------

export interface GraphqlContext {
  readonly site: Site
  readonly git: GitRepo
  readonly model: RepoModel
  /** Blob texts longer than this many bytes are cut and reported `isTruncated` (GitHub cuts large blobs). */
  readonly blobTextLimit: number
  /** Receives every `object(expression:)` a request reads, e.g. `SHA:path`. */
  readonly objectReads?: string[]
}

interface FieldAnswer {
  readonly data: unknown
  readonly errors?: { message: string; type: string; path: string[] }[]
}

type FieldHandler = (
  selection: Selection,
  variables: Record<string, unknown>,
  context: GraphqlContext,
) => Promise<FieldAnswer>

/** Handlers of top-level fields by operation type, then field name. */
export const GRAPHQL_FIELDS: Record<Operation['type'], Record<string, FieldHandler>> = {
  query: { repository: repositoryField },
  mutation: { ...MERGE_MUTATIONS },
}

/** Answers one POST /graphql body. `problems` collects what GitHub would refuse (tests assert it stays empty). */
export async function handleGraphql(rawBody: Buffer, context: GraphqlContext, problems: string[]): Promise<Reply> {
  let body: { query?: unknown; variables?: unknown }
  try {
    body = JSON.parse(rawBody.toString('utf8')) as typeof body
  } catch {
    problems.push('POST /graphql: request body is not JSON')
    return {
      status: 400,
      json: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' },
    }
  }
  if (typeof body.query !== 'string') {
    problems.push('POST /graphql: no query string in the body')
    return { status: 200, json: { errors: [{ message: 'A query attribute must be specified and must be a string.' }] } }
  }
  const variables = (body.variables ?? {}) as Record<string, unknown>
  let operation: Operation
  try {
    operation = parseOperation(body.query)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    problems.push(`POST /graphql: ${message}`)
    return { status: 200, json: { errors: [{ message }] } }
  }
  const invalid = validateOperation(operation, variables)
  const unhandled = operation.selections
    .filter((selection) => selection.name !== '__typename' && !GRAPHQL_FIELDS[operation.type][selection.name])
    .map((selection) => `the stand-in does not answer ${operation.type} field '${selection.name}'`)
  if (invalid.length > 0 || unhandled.length > 0) {
    for (const problem of [...invalid, ...unhandled]) problems.push(`POST /graphql: ${problem}`)
    return { status: 200, json: { errors: [...invalid, ...unhandled].map((message) => ({ message })) } }
  }
  const data: Record<string, unknown> = {}
  const errors: NonNullable<FieldAnswer['errors']> = []
  for (const selection of operation.selections) {
    if (selection.name === '__typename') {
      data[selection.key] = operation.type === 'query' ? 'Query' : 'Mutation'
      continue
    }
    const answer = await GRAPHQL_FIELDS[operation.type][selection.name]!(selection, variables, context)
    data[selection.key] = answer.data
    errors.push(...(answer.errors ?? []))
  }
  return { status: 200, json: errors.length > 0 ? { data, errors } : { data } }
}

function argument(selection: Selection, name: string, variables: Record<string, unknown>): unknown {
  const value = selection.args[name]
  if (value === undefined) return undefined
  switch (value.kind) {
    case 'variable':
      return variables[value.name]
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
      return value.value
    default:
      return undefined
  }
}

function expressionOf(selection: Selection, variables: Record<string, unknown>): string {
  const value = argument(selection, 'expression', variables) ?? argument(selection, 'oid', variables)
  return typeof value === 'string' ? value : ''
}

async function repositoryField(
  selection: Selection,
  variables: Record<string, unknown>,
  context: GraphqlContext,
): Promise<FieldAnswer> {
  const owner = argument(selection, 'owner', variables) as string
  const name = argument(selection, 'name', variables) as string
  if (
    owner.toLowerCase() !== context.site.owner.toLowerCase() ||
    name.toLowerCase() !== context.site.repo.toLowerCase()
  ) {
    return {
      data: null,
      errors: [
        {
          type: 'NOT_FOUND',
          path: [selection.key],
          message: `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        },
      ],
    }
  }
  // Every `object(expression:)` of the request is read with one `git cat-file --batch`.
  const expressions = selection.selections
    .filter((child) => child.name === 'object')
    .map((child) => expressionOf(child, variables))
  context.objectReads?.push(...expressions)
  const objects = await readObjects(context, [...new Set(expressions)])
  const result: Record<string, unknown> = {}
  for (const child of selection.selections) {
    if (child.name === '__typename') result[child.key] = 'Repository'
    else if (child.name === 'name') result[child.key] = context.site.repo
    else if (child.name === 'nameWithOwner') result[child.key] = `${context.site.owner}/${context.site.repo}`
    else if (child.name === 'id') result[child.key] = `R_${context.site.repoId}`
    else if (child.name === 'object') {
      const expression = expressionOf(child, variables)
      const object = objects.get(expression)
      result[child.key] = object === undefined ? null : gitObject(child.selections, object, context.blobTextLimit)
    } else {
      const answer = await repositoryMergeField(child, variables, context)
      if (answer !== undefined) result[child.key] = answer.value
    }
  }
  return { data: result }
}

interface GitObjectData {
  readonly type: string
  readonly sha: string
  readonly bytes: Buffer
}

async function readObjects(
  context: GraphqlContext,
  expressions: readonly string[],
): Promise<Map<string, GitObjectData>> {
  const found = new Map<string, GitObjectData>()
  // cat-file reads one expression per line; anything with a line break cannot name an object.
  const asked = expressions.filter((expression) => expression !== '' && !/[\n\r\0]/.test(expression))
  if (asked.length === 0) return found
  const { stdout } = await context.git.run(['cat-file', '--batch'], { input: asked.map((e) => `${e}\n`).join('') })
  let offset = 0
  for (const expression of asked) {
    const headerEnd = stdout.indexOf(0x0a, offset)
    const header = stdout.subarray(offset, headerEnd).toString('utf8')
    offset = headerEnd + 1
    const match = /^([0-9a-f]{40}) (\w+) (\d+)$/.exec(header)
    if (!match) continue // `<expression> missing` or ambiguous
    const size = Number(match[3])
    found.set(expression, { sha: match[1]!, type: match[2]!, bytes: stdout.subarray(offset, offset + size) })
    offset += size + 1
  }
  return found
}

const TYPE_NAMES: Record<string, string> = { blob: 'Blob', tree: 'Tree', commit: 'Commit', tag: 'Tag' }
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true })

function gitObject(
  selections: readonly Selection[],
  object: GitObjectData,
  textLimit: number,
): Record<string, unknown> {
  const typeName = TYPE_NAMES[object.type] ?? 'Blob'
  const result: Record<string, unknown> = {}
  for (const selection of selections) {
    if (selection.onType !== undefined && selection.onType !== typeName) continue
    switch (selection.name) {
      case '__typename':
        result[selection.key] = typeName
        break
      case 'oid':
        result[selection.key] = object.sha
        break
      case 'abbreviatedOid':
        result[selection.key] = object.sha.slice(0, 7)
        break
      case 'byteSize':
        result[selection.key] = object.bytes.length
        break
      case 'isBinary':
        result[selection.key] = isBinary(object.bytes)
        break
      case 'isTruncated':
        result[selection.key] = object.bytes.length > textLimit
        break
      case 'text':
        // GitHub's text is the blob decoded as UTF-8 (a byte-order mark kept), null for binary blobs;
        // invalid sequences come back as U+FFFD, so only `byteSize` tells whether the text is exact.
        result[selection.key] = isBinary(object.bytes) ? null : utf8.decode(object.bytes.subarray(0, textLimit))
        break
      default:
        result[selection.key] = null
    }
  }
  return result
}

/** git's heuristic: a NUL in the first 8,000 bytes. */
function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0)
}
