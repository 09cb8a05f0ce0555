// `npm run lint` fails on an import cycle in src/: every relative import counts, `import type`,
// re-exports and dynamic `import()` included, since a cycle closed only by types still ties the
// modules together for the next reader. Prints each cycle as a path of modules.
//
//   tsx scripts/import-cycles.ts [DIR]     (default src)
import { readFileSync, readdirSync } from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'

/** The relative module specifiers a TypeScript source imports, re-exports or loads lazily. */
export function relativeImports(source: string, fileName = 'module.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found.filter((specifier) => specifier.startsWith('.'))
}

/** Every cycle of a module graph (one per strongly connected component), each as a closed path. */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const connect = (node: string): void => {
    index.set(node, counter)
    low.set(node, counter++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!))
      }
    }
    if (low.get(node) !== index.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component)
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node)
  return components.map((component) => closedPath(graph, new Set(component)))
}

/** A walk from the component's first module (in path order) back to itself, for the message. */
function closedPath(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string[] {
  const start = [...members].sort()[0]!
  const previous = new Map<string, string>()
  const queue = [start]
  while (queue.length > 0) {
    const node = queue.shift()!
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue
      if (next === start) {
        const walk = [node]
        while (walk[0] !== start) walk.unshift(previous.get(walk[0]!)!)
        return [...walk, start]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [start, start]
}

function moduleGraph(dir: string): Map<string, string[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file))
  return new Map(
    files.map((file) => [
      file,
      relativeImports(readFileSync(file, 'utf8'), file).map((specifier) =>
        path.join(path.dirname(file), specifier.replace(/\.js$/, '.ts')),
      ),
    ]),
  )
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const dir = process.argv[2] ?? 'src'
  const cycles = findCycles(moduleGraph(dir))
  for (const cycle of cycles) console.error(`import cycle: ${cycle.join(' → ')}`)
  if (cycles.length > 0) {
    console.error(
      `${cycles.length} import cycle(s) in ${dir}/: move what both sides need (usually types) to a module that imports neither.`,
    )
    process.exitCode = 1
  } else {
    console.log(`no import cycles in ${dir}/`)
  }
}
