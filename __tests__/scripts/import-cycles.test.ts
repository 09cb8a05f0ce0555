// The lint step that keeps src/ free of import cycles finds cycles closed only by `import type`,
// by a re-export or by a lazy `import()`, names them as a path, and passes a graph without one.
import { expect, test } from '@jest/globals'
import { findCycles, relativeImports } from '../../scripts/import-cycles.js'

test('every kind of relative import counts; packages do not', () => {
  const source = [
    "import * as core from '@actions/core'",
    "import type { A } from './a.js'",
    "import { b } from '../b.js'",
    "export { c } from './c.js'",
    "export type { D } from './d.js'",
    "const e = await import('./e.js')",
  ].join('\n')
  expect(relativeImports(source)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js'])
})

test('a cycle through a type-only import is reported as a closed path', () => {
  const graph = new Map([
    ['src/gcp/source.ts', ['src/gcp/adc.ts']],
    ['src/gcp/adc.ts', ['src/gcp/source.ts', 'src/errors.ts']],
    ['src/errors.ts', []],
    ['src/self.ts', ['src/self.ts']],
  ])
  expect(findCycles(graph)).toEqual(
    expect.arrayContaining([
      ['src/gcp/adc.ts', 'src/gcp/source.ts', 'src/gcp/adc.ts'],
      ['src/self.ts', 'src/self.ts'],
    ]),
  )
  expect(findCycles(graph)).toHaveLength(2)
})

test('a graph without cycles passes', () => {
  const graph = new Map([
    ['a.ts', ['b.ts', 'c.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', []],
  ])
  expect(findCycles(graph)).toEqual([])
})
