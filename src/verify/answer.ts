// What Argo CD answered, checked against the shape verification reads before anything reads it:
// a sign-in page, a proxy's `null` or a `status.conditions` object must end as "cannot read
// Argo CD", never as a TypeError deep in the verdict. Pure: parsed JSON in, Application out.
import type { Application } from './application.js'

type Shape = 'string' | 'boolean-ish' | readonly ['list', Shape] | { readonly [field: string]: Shape }

const REVISIONS: Shape = { revision: 'string', revisions: ['list', 'string'] }
const SOURCE: Shape = { repoURL: 'string', path: 'string', targetRevision: 'string', chart: 'string' }
const HEALTH: Shape = { status: 'string', message: 'string' }

const APPLICATION: Shape = {
  metadata: { name: 'string', namespace: 'string' },
  spec: { project: 'string', source: SOURCE, sources: ['list', SOURCE], syncPolicy: { automated: 'boolean-ish' } },
  status: {
    sync: { status: 'string', ...REVISIONS },
    health: HEALTH,
    operationState: {
      phase: 'string',
      message: 'string',
      startedAt: 'string',
      finishedAt: 'string',
      operation: { sync: REVISIONS },
      syncResult: REVISIONS,
    },
    reconciledAt: 'string',
    conditions: ['list', { type: 'string', message: 'string' }],
    resources: [
      'list',
      { group: 'string', kind: 'string', namespace: 'string', name: 'string', status: 'string', health: HEALTH },
    ],
  },
}

/** Thrown for an answer that is JSON but not an Application verification can read. */
export class MalformedAnswer extends Error {
  constructor(readonly field: string) {
    super(`${field} is not what Argo CD sends`)
    this.name = 'MalformedAnswer'
  }
}

/** The answer as an Application, or a MalformedAnswer naming the first field of the wrong type. */
export function readApplication(json: unknown): Application {
  if (!isObject(json)) throw new MalformedAnswer(json === null ? 'the body (null)' : 'the body')
  check(json, APPLICATION, '')
  return json as Application
}

function check(value: unknown, shape: Shape, path: string): void {
  // Go's encoder writes `null` for an empty list or pointer: the same as a field left out.
  if (value === undefined || value === null) return
  if (shape === 'string') {
    if (typeof value !== 'string') throw new MalformedAnswer(path)
  } else if (shape === 'boolean-ish') {
    if (typeof value !== 'object' && typeof value !== 'boolean') throw new MalformedAnswer(path)
  } else if (Array.isArray(shape)) {
    if (!Array.isArray(value)) throw new MalformedAnswer(path)
    value.forEach((item, i) => check(item, shape[1] as Shape, `${path}[${i}]`))
  } else {
    if (!isObject(value)) throw new MalformedAnswer(path)
    for (const [field, inner] of Object.entries(shape as Record<string, Shape>)) {
      check(value[field], inner, path === '' ? field : `${path}.${field}`)
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
