// The slice of GitHub's published OpenAPI description (npm @octokit/openapi) that the fake answers,
// and validators built from it. The full description is ~13 MB of JSON; it is read once, the few
// operations we need are extracted (with the schemas they reference, converted from OpenAPI 3.0 to
// plain JSON Schema) and cached under node_modules/.cache, so later starts load a small file.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { DEPLOYMENT_OPERATIONS } from './deployments.js'
import { STATUS_OPERATIONS } from './statuses.js'
import { ATTESTATION_OPERATIONS } from './attestations.js'
import addFormatsModule from 'ajv-formats'

/** Operations the fake implements (GitHub's operationIds). */
export const IMPLEMENTED_OPERATIONS = [
  'repos/get',
  'repos/get-branch',
  'repos/list-commits',
  'repos/get-content',
  'git/create-ref',
  'git/update-ref',
  'git/get-commit',
  'git/create-commit',
  'git/get-tree',
  'git/create-tree',
  'pulls/list',
  'pulls/create',
  'pulls/get',
  'pulls/update',
  'pulls/merge',
  'issues/get',
  'issues/add-labels',
  ...DEPLOYMENT_OPERATIONS,
  ...STATUS_OPERATIONS,
  ...ATTESTATION_OPERATIONS,
] as const
export type OperationId = (typeof IMPLEMENTED_OPERATIONS)[number]

// Bump when the shape of the extract changes, so stale caches are not read.
const EXTRACT_FORMAT = 3
const SCHEMA_ID = 'https://fake-github.invalid/openapi.json'

export type JsonSchema = Record<string, unknown>

export interface ParameterSpec {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required: boolean
  schema: JsonSchema
}

export interface OperationSpec {
  operationId: string
  method: string
  path: string
  docsUrl: string
  parameters: ParameterSpec[]
  requestBody?: { required: boolean; schema: JsonSchema }
  /** application/json schema per status code; null when the response has no JSON body. */
  responses: Record<string, JsonSchema | null>
}

interface RouteSpec {
  method: string
  path: string
  operationId: string
  multiSegment: string[]
}

interface Extract {
  format: number
  version: string
  operations: Record<string, OperationSpec>
  routes: RouteSpec[]
  definitions: Record<string, JsonSchema>
}

export interface RouteMatch {
  route: RouteSpec
  operation?: OperationSpec
  params: Record<string, string>
}

export interface RequestCheck {
  /** Violations GitHub itself would reject (answered with 422, or 404 for path parameters). */
  errors: string[]
  /** 404 instead of 422: a path parameter did not match its schema. */
  notFound: boolean
  /** Things GitHub silently ignores but that almost certainly are client bugs (unknown fields). */
  warnings: string[]
}

// ---------------------------------------------------------------------------------------------
// Extraction

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const DOC_KEYWORDS = new Set([
  'description',
  'example',
  'examples',
  'title',
  'externalDocs',
  'discriminator',
  'xml',
  'deprecated',
  'readOnly',
  'writeOnly',
])

/** OpenAPI 3.0 schema → JSON Schema (draft-07 as Ajv reads it), docs stripped, refs re-pointed. */
function convertSchema(schema: Json, needed: Set<string>): JsonObject {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return {}
  const out: JsonObject = {}
  for (const [key, value] of Object.entries(schema)) {
    if (DOC_KEYWORDS.has(key) || key.startsWith('x-')) continue
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/components/schemas/', '')
      needed.add(name)
      out.$ref = `${SCHEMA_ID}#/definitions/${name}`
    } else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertSchema(v, needed)]))
    } else if ((key === 'items' || key === 'not') && value && typeof value === 'object') {
      out[key] = convertSchema(value, needed)
    } else if (key === 'additionalProperties' && value && typeof value === 'object') {
      out[key] = convertSchema(value, needed)
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((v) => convertSchema(v, needed))
    } else if (key !== 'nullable') {
      out[key] = value
    }
  }
  if (schema.nullable !== true) return out
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null']
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null]
    return out
  }
  return { anyOf: [out, { type: 'null' }] }
}

function str(value: Json | undefined, fallback = ''): string {
  return typeof value === 'string' ? value : fallback
}

function extract(spec: JsonObject, version: string): Extract {
  const components = spec.components as JsonObject
  const deref = (value: Json): JsonObject => {
    const obj = value as JsonObject
    if (typeof obj.$ref !== 'string') return obj
    const [, , kind, name] = obj.$ref.split('/')
    return deref((components[kind] as JsonObject)[name])
  }
  const needed = new Set<string>()
  const operations: Record<string, OperationSpec> = {}
  const routes: RouteSpec[] = []
  const wanted = new Set<string>(IMPLEMENTED_OPERATIONS)
  for (const [p, item] of Object.entries(spec.paths as JsonObject)) {
    for (const [method, opJson] of Object.entries(item as JsonObject)) {
      const op = opJson as JsonObject
      if (typeof op.operationId !== 'string') continue
      const params = ((op.parameters ?? []) as Json[]).map(deref)
      routes.push({
        method: method.toUpperCase(),
        path: p,
        operationId: op.operationId,
        multiSegment: params.filter((x) => x.in === 'path' && x['x-multi-segment'] === true).map((x) => str(x.name)),
      })
      if (!wanted.has(op.operationId)) continue
      const body = op.requestBody ? deref(op.requestBody) : undefined
      const bodySchema = (body?.content as JsonObject | undefined)?.['application/json'] as JsonObject | undefined
      const responses: Record<string, JsonSchema | null> = {}
      for (const [status, resp] of Object.entries(op.responses as JsonObject)) {
        const content = deref(resp).content as JsonObject | undefined
        const json = content?.['application/json'] as JsonObject | undefined
        responses[status] = json?.schema ? convertSchema(json.schema, needed) : null
      }
      operations[op.operationId] = {
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: p,
        docsUrl: str((op.externalDocs as JsonObject | undefined)?.url, 'https://docs.github.com/rest'),
        parameters: params.map((x) => ({
          name: str(x.name),
          in: x.in as ParameterSpec['in'],
          required: x.required === true,
          schema: convertSchema(x.schema ?? {}, needed),
        })),
        ...(bodySchema?.schema
          ? { requestBody: { required: body?.required === true, schema: convertSchema(bodySchema.schema, needed) } }
          : {}),
        responses,
      }
    }
  }
  const definitions: Record<string, JsonSchema> = {}
  const schemas = components.schemas as JsonObject
  // Converting a schema may reveal further references: iterate to a fixed point.
  for (let pending = [...needed]; pending.length > 0;) {
    const name = pending.pop()!
    if (definitions[name]) continue
    const before = new Set(needed)
    definitions[name] = convertSchema(schemas[name], needed)
    for (const n of needed) if (!before.has(n)) pending.push(n)
  }
  const missing = IMPLEMENTED_OPERATIONS.filter((id) => !operations[id])
  if (missing.length > 0) throw new Error(`@octokit/openapi ${version} lacks operations: ${missing.join(', ')}`)
  return { format: EXTRACT_FORMAT, version, operations, routes, definitions }
}

let cached: Promise<Extract> | undefined

/** The extract for the installed @octokit/openapi, built once per package version and machine. */
export function loadExtract(): Promise<Extract> {
  cached ??= (async () => {
    const require = createRequire(import.meta.url)
    const pkgJson = require.resolve('@octokit/openapi/package.json')
    const pkgDir = path.dirname(pkgJson)
    const { version } = JSON.parse(await readFile(pkgJson, 'utf8')) as { version: string }
    const key = createHash('sha256')
      .update(JSON.stringify([EXTRACT_FORMAT, IMPLEMENTED_OPERATIONS]))
      .digest('hex')
      .slice(0, 12)
    const nodeModules = path.resolve(pkgDir, '..', '..') // node_modules/@octokit/openapi
    const cacheDir = path.join(nodeModules, '.cache', 'gitops-fake-github')
    const cacheFile = path.join(cacheDir, `openapi-${version}-${key}.json`)
    try {
      const hit = JSON.parse(await readFile(cacheFile, 'utf8')) as Extract
      if (hit.format === EXTRACT_FORMAT && hit.version === version) return hit
    } catch {
      // No cache yet (or a torn one): rebuild below.
    }
    const spec = JSON.parse(await readFile(path.join(pkgDir, 'generated', 'api.github.com.json'), 'utf8')) as JsonObject
    const result = extract(spec, version)
    try {
      await mkdir(cacheDir, { recursive: true })
      // Write-then-rename: parallel Jest workers may build it at the same time.
      const tmp = `${cacheFile}.${process.pid}.${randomBytes(4).toString('hex')}`
      await writeFile(tmp, JSON.stringify(result))
      await rename(tmp, cacheFile)
    } catch {
      // A read-only node_modules only costs the extraction on every start.
    }
    return result
  })()
  cached.catch(() => {
    cached = undefined
  })
  return cached
}

// ---------------------------------------------------------------------------------------------
// Validation

function newAjv(definitions: Record<string, JsonSchema>): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true })
  const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default ?? addFormatsModule
  addFormats(ajv)
  // OpenAPI's numeric formats are type hints; GitHub's own ones are checked loosely.
  for (const f of ['int32', 'int64', 'double', 'float', 'binary', 'timestamp']) ajv.addFormat(f, true)
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/)
  ajv.addSchema({ $id: SCHEMA_ID, definitions })
  return ajv
}

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map((e) => {
    const at = `${where}${e.instancePath}`
    if (e.keyword === 'required') return `"${String(e.params.missingProperty)}" wasn't supplied (at ${at}).`
    if (e.keyword === 'enum') return `${at} must be one of ${JSON.stringify(e.params.allowedValues)}.`
    return `${at} ${e.message ?? 'is invalid'}.`
  })
}

/** Names of object fields that the schema does not describe (GitHub ignores them silently). */
function unknownFields(ajv: Ajv, schema: JsonSchema, value: unknown, at: string, out: string[]): void {
  let s = schema
  for (let hops = 0; typeof s.$ref === 'string' && hops < 20; hops++) {
    s = (ajv.getSchema(s.$ref)?.schema ?? {}) as JsonSchema
  }
  if (Array.isArray(value) && s.items && typeof s.items === 'object') {
    value.forEach((v, i) => unknownFields(ajv, s.items as JsonSchema, v, `${at}[${i}]`, out))
    return
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return
  const props = s.properties as Record<string, JsonSchema> | undefined
  if (!props || s.additionalProperties !== undefined) return
  for (const [k, v] of Object.entries(value)) {
    if (!(k in props)) out.push(`${at}.${k} is not a field of this operation's request body (GitHub ignores it).`)
    else unknownFields(ajv, props[k], v, `${at}.${k}`, out)
  }
}

function coerce(raw: string, schema: JsonSchema): unknown {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type]
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw)
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true'
  return raw
}

let sharedValidator: Promise<OpenApiValidator> | undefined

interface CompiledRoute {
  route: RouteSpec
  regex: RegExp
  names: string[]
  literals: number
}

export class OpenApiValidator {
  private readonly ajv: Ajv
  private readonly compiled = new Map<string, ValidateFunction>()
  private readonly routeTable: CompiledRoute[]

  private constructor(private readonly extract: Extract) {
    this.ajv = newAjv(extract.definitions)
    this.routeTable = extract.routes
      .map((route) => {
        const names: string[] = []
        let literals = 0
        const source = route.path
          .split('/')
          .map((segment) => {
            const param = /^\{(.+)\}$/.exec(segment)
            if (!param) {
              literals++
              return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            }
            names.push(param[1])
            return route.multiSegment.includes(param[1]) ? '(.+)' : '([^/]+)'
          })
          .join('/')
        return { route, regex: new RegExp(`^${source}$`), names, literals }
      })
      // More literal segments first: /branches/{branch}/protection before /branches/{branch}.
      .sort((a, b) => b.literals - a.literals)
  }

  /** One validator per process: compiled schemas are shared by every server a test file starts. */
  static load(): Promise<OpenApiValidator> {
    sharedValidator ??= loadExtract().then((extract) => new OpenApiValidator(extract))
    sharedValidator.catch(() => {
      sharedValidator = undefined
    })
    return sharedValidator
  }

  get specVersion(): string {
    return this.extract.version
  }

  operation(operationId: string): OperationSpec | undefined {
    return this.extract.operations[operationId]
  }

  /**
   * The spec route for `method` and a raw (still percent-encoded) path. Parameters come back decoded.
   * undefined: GitHub has no such route.
   */
  match(method: string, rawPath: string): RouteMatch | undefined {
    for (const candidate of this.routeTable) {
      if (candidate.route.method !== method) continue
      const m = candidate.regex.exec(rawPath)
      if (!m) continue
      const params: Record<string, string> = {}
      try {
        candidate.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])))
      } catch {
        continue
      }
      const operation = this.extract.operations[candidate.route.operationId]
      return { route: candidate.route, params, ...(operation ? { operation } : {}) }
    }
    return undefined
  }

  checkRequest(
    operation: OperationSpec,
    params: Record<string, string>,
    query: URLSearchParams,
    body: { present: boolean; value?: unknown },
  ): RequestCheck {
    const check: RequestCheck = { errors: [], notFound: false, warnings: [] }
    const known = new Set<string>()
    for (const param of operation.parameters) {
      if (param.in === 'path') {
        const raw = params[param.name]
        if (raw === undefined) continue
        const problems = this.run(param.schema, coerce(raw, param.schema), `path parameter ${param.name}`)
        if (problems.length > 0) {
          check.errors.push(...problems)
          check.notFound = true
        }
      } else if (param.in === 'query') {
        known.add(param.name)
        const values = query.getAll(param.name)
        if (values.length === 0) {
          if (param.required) check.errors.push(`query parameter "${param.name}" wasn't supplied.`)
          continue
        }
        for (const raw of values) {
          check.errors.push(...this.run(param.schema, coerce(raw, param.schema), `query parameter ${param.name}`))
        }
      }
    }
    for (const name of new Set(query.keys())) {
      if (!known.has(name))
        check.warnings.push(
          `query parameter "${name}" is not defined for ${operation.operationId} (GitHub ignores it).`,
        )
    }
    if (operation.requestBody) {
      if (!body.present) {
        if (operation.requestBody.required) check.errors.push('a JSON request body is required.')
      } else {
        check.errors.push(...this.run(operation.requestBody.schema, body.value, 'body'))
        unknownFields(this.ajv, operation.requestBody.schema, body.value, 'body', check.warnings)
      }
    } else if (body.present && operation.method !== 'GET') {
      check.warnings.push(`${operation.operationId} takes no request body (GitHub ignores it).`)
    }
    return check
  }

  /** Mismatches between a response body and the published schema for (operation, status). */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const operation = this.extract.operations[operationId]
    if (!operation) return [`unknown operation ${operationId}`]
    const schema = operation.responses[String(status)]
    if (schema === undefined) return [`${operationId} documents no ${status} response`]
    if (schema === null) return []
    return this.run(schema, body, `${operationId} ${status} response`)
  }

  private run(schema: JsonSchema, value: unknown, where: string): string[] {
    const key = JSON.stringify(schema)
    let validate = this.compiled.get(key)
    if (!validate) {
      validate = this.ajv.compile(schema)
      this.compiled.set(key, validate)
    }
    return validate(value) ? [] : describe(validate.errors, where)
  }
}
