// The README and the guides must agree with action.yml and with the example files they quote;
// the generator that keeps them so (scripts/generate-docs.ts) is tested on its own inputs too.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import {
  type ActionMetadata,
  driftedSections,
  expectedDocumentation,
  findIncludes,
  main,
  renderInputsTable,
  updateIncludes,
  updateReadme,
} from '../../scripts/generate-docs.js'
import { ROOT, actionMetadata, codeBlocks, markdownFiles, read } from './helpers.js'

const SAMPLE: ActionMetadata = {
  inputs: {
    image: { description: 'The image.\nSecond line | with a pipe.', required: true },
    mode: { description: '`pr` or `push`.', required: false, default: 'pr' },
    token: { description: 'A token.', default: '${{ github.token }}' },
  },
  outputs: { digest: { description: 'The digest.' } },
}

const SKELETON = [
  '# Title',
  '',
  '<!-- inputs:start -->',
  'old',
  '<!-- inputs:end -->',
  '',
  '<!-- outputs:start -->',
  '<!-- outputs:end -->',
  '',
].join('\n')

describe('this repository', () => {
  test('README tables and every quoted example match their sources (npm run docs -- --check)', async () => {
    const stale = await expectedDocumentation(ROOT)
    expect([...stale].map(([file, { drift }]) => `${file}: ${drift.join(', ')}`)).toEqual([])
  })

  test('every manifest shown in README or docs/ is an include of a file under examples/', () => {
    for (const file of markdownFiles()) {
      for (const block of codeBlocks(read(file))) {
        if (!/^(yaml|yml)$/.test(block.info) || !/^apiVersion:/m.test(block.body)) continue
        expect({ file, include: /^<!-- include: examples\/\S+ -->$/.test(block.previousLine) }).toEqual({
          file,
          include: true,
        })
      }
      for (const { path: target } of findIncludes(read(file))) expect(target).toMatch(/^examples\//)
    }
  })

  test('docs name only inputs that action.yml declares', () => {
    const { inputs } = actionMetadata()
    for (const file of markdownFiles()) {
      const text = read(file)
      // Prose: "`name` input" or "the `a` and `b` inputs".
      const prose = [...text.matchAll(/`([a-z][a-z-]*)`(?:(?:,| and| or) `[a-z][a-z-]*`)* inputs?\b/g)].flatMap(
        (match) => [...match[0].matchAll(/`([a-z][a-z-]*)`/g)].map((name) => name[1] ?? ''),
      )
      // YAML: `with:` blocks of this action, and bare fragments of one.
      const yaml = codeBlocks(text)
        .filter((block) => /^(yaml|yml)$/.test(block.info))
        .flatMap((block) => parseAllDocuments(block.body).map((document) => document.toJS() as unknown))
        .flatMap((value) => withKeys(value))
      const unknown = [...new Set([...prose, ...yaml])].filter((name) => !(name in inputs))
      expect({ file, unknown }).toEqual({ file, unknown: [] })
    }
  })

  test('the README gives exactly the two quick-start commands, and CONTRIBUTING.md what they set up', () => {
    const quickStart = section(read('README.md'), '## Quick start')
    const commands = codeBlocks(quickStart)
      .filter((block) => block.info === 'sh')
      .map((block) => block.body.trim())
    // Each does its own set-up (system packages, Node 24, npm ci): no `npm ci` before it.
    expect(commands).toEqual(['npm run demo', 'npm test'])
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts
    expect(scripts.demo).toMatch(/^node scripts\/node24\.mjs demo -- /)
    expect(scripts.test).toMatch(/^node scripts\/node24\.mjs test -- /)
    expect(quickStart.replace(/\s+/g, ' ')).toContain('Node.js 18 or newer')
    expect(quickStart).toContain('](CONTRIBUTING.md#set-up)')
    const setUp = section(read('CONTRIBUTING.md'), '## Set up').replace(/\s+/g, ' ')
    for (const fact of ['Node.js 18 or newer', 'apt-get', 'Homebrew', 'kubectl', 'npm ci', 'npm run setup'])
      expect({ fact, said: setUp.includes(fact) }).toEqual({ fact, said: true })
  })

  test('the first screen says who the action is for and shows a minimal workflow before the long ones', () => {
    const readme = read('README.md')
    const firstScreen = readme.slice(0, readme.indexOf('\n## ', readme.indexOf('## Minimal workflow')))
    expect(firstScreen).toMatch(/^# gitops-deploy-action\n\n\*\*For teams that /)
    const block = codeBlocks(firstScreen).find((candidate) => candidate.info === 'yaml')
    expect(block?.previousLine).toBe('<!-- include: examples/workflows/minimal.yml -->')
    expect(block!.body.split('\n').length).toBeLessThanOrEqual(20)
    const workflow = parse(block!.body) as {
      jobs: Record<
        string,
        { permissions: Record<string, string>; steps: { uses: string; with: Record<string, string> }[] }
      >
    }
    const job = Object.values(workflow.jobs)[0]!
    expect(job.permissions['id-token']).toBe('write')
    // No checkout: the action reads and writes the GitOps repository through the API.
    expect(job.steps.map((step) => step.uses)).toEqual(['acme/gitops-deploy-action@v1'])
    expect(Object.keys(job.steps[0]!.with)).toEqual(['image', 'source', 'manifests', 'workload-identity-provider'])
    // It is the first workflow the README shows.
    expect(findIncludes(readme)[0]?.path).toBe('examples/workflows/minimal.yml')
  })

  test('the README links only to files that exist', async () => {
    const links = [...read('README.md').matchAll(/\]\((?!https?:|#)([^)#]+)(#[^)]*)?\)/g)].map(
      (match) => match[1] ?? '',
    )
    expect(links.length).toBeGreaterThan(0)
    for (const link of links) await expect(readFile(path.join(ROOT, link))).resolves.toBeDefined()
  })
})

/** The text of a Markdown section, from its heading to the next heading of level 2. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`)
  expect(start).toBeGreaterThanOrEqual(0)
  const end = markdown.indexOf('\n## ', start + 1)
  return markdown.slice(start, end < 0 ? undefined : end)
}

/** Input names used under a step of this action, or in a bare `with:` fragment of one. */
function withKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(withKeys)
  if (typeof value !== 'object' || value === null) return []
  const record = value as Record<string, unknown>
  const own: string[] = []
  if (typeof record.uses === 'string' && /gitops-deploy-action@|^\.\/?$/.test(record.uses)) {
    own.push(...Object.keys(record.with ?? {}))
  } else if ('workload-identity-provider' in record || 'manifests' in record) {
    own.push(...Object.keys(record))
  }
  return [...own, ...Object.values(record).flatMap(withKeys)]
}

describe('generate-docs', () => {
  test('renders one row per input with required, default and a one-line, pipe-safe description', () => {
    expect(renderInputsTable(SAMPLE.inputs).split('\n')).toEqual([
      '| Input | Required | Default | Description |',
      '| --- | --- | --- | --- |',
      '| `image` | yes |  | The image. Second line \\| with a pipe. |',
      '| `mode` | no | `pr` | `pr` or `push`. |',
      '| `token` | no | `${{ github.token }}` | A token. |',
    ])
  })

  test('replaces only the text between the markers, and is idempotent', () => {
    const once = updateReadme(SKELETON, SAMPLE)
    expect(once.startsWith('# Title\n\n<!-- inputs:start -->\n\n| Input |')).toBe(true)
    expect(once).not.toContain('old')
    expect(once).toContain(
      '<!-- outputs:start -->\n\n| Output | Description |\n| --- | --- |\n| `digest` | The digest. |\n\n<!-- outputs:end -->',
    )
    expect(updateReadme(once, SAMPLE)).toBe(once)
    expect(driftedSections(once, SAMPLE)).toEqual([])
  })

  test('names the drifted table', () => {
    const current = updateReadme(SKELETON, SAMPLE)
    const changed = { ...SAMPLE, outputs: { ...SAMPLE.outputs, extra: { description: 'New.' } } }
    expect(driftedSections(current, changed)).toEqual(['outputs'])
  })

  test('keeps CRLF line endings', () => {
    const crlf = SKELETON.replace(/\n/g, '\r\n')
    const updated = updateReadme(crlf, SAMPLE)
    expect(updated.replace(/\r\n/g, '')).not.toContain('\n')
  })

  test('refuses a README without markers, naming them', () => {
    expect(() => updateReadme('# Title\n', SAMPLE)).toThrow('<!-- inputs:start -->')
  })

  test('replaces an included block with the file and leaves other blocks alone', () => {
    const markdown = [
      'Text',
      '<!-- include: examples/a.yaml -->',
      '```yaml',
      'stale: true',
      '```',
      '',
      '```yaml',
      'kept: true',
      '```',
      '',
    ].join('\n')
    const updated = updateIncludes(markdown, 'doc.md', (target) =>
      target === 'examples/a.yaml' ? 'fresh: true\n' : '',
    )
    expect(updated).toBe(
      [
        'Text',
        '<!-- include: examples/a.yaml -->',
        '```yaml',
        'fresh: true',
        '```',
        '',
        '```yaml',
        'kept: true',
        '```',
        '',
      ].join('\n'),
    )
    expect(findIncludes(updated)).toEqual([{ path: 'examples/a.yaml', body: 'fresh: true\n' }])
  })

  test('refuses include paths that leave the repository', () => {
    const markdown = '<!-- include: ../secret -->\n```\n```\n'
    expect(() => updateIncludes(markdown, 'doc.md', () => '')).toThrow('without ".."')
  })

  describe('command line', () => {
    let dir: string
    let errors: string[]
    let logs: string[]

    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'generate-docs-'))
      await mkdir(path.join(dir, 'docs'))
      await mkdir(path.join(dir, 'examples'))
      await writeFile(
        path.join(dir, 'action.yml'),
        'inputs:\n  image:\n    description: The image.\n    required: true\noutputs:\n  digest:\n    description: The digest.\n',
      )
      await writeFile(path.join(dir, 'README.md'), SKELETON)
      await writeFile(path.join(dir, 'examples', 'app.yaml'), 'kind: Application\n')
      await writeFile(
        path.join(dir, 'docs', 'guide.md'),
        '# Guide\n\n<!-- include: examples/app.yaml -->\n```yaml\n```\n',
      )
      errors = []
      logs = []
      jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')))
      jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')))
    })

    afterEach(async () => {
      jest.restoreAllMocks()
      await rm(dir, { recursive: true, force: true })
    })

    test('--check exits 1 and says which file and part drifted and what to run', async () => {
      expect(await main(['--check'], dir)).toBe(1)
      expect(errors.join('\n')).toContain('README.md is out of date: the inputs table, the outputs table.')
      expect(errors.join('\n')).toContain('docs/guide.md is out of date: the copy of examples/app.yaml.')
      expect(errors.join('\n')).toContain('Run `npm run docs`')
    })

    test('writes the files, after which --check passes', async () => {
      expect(await main([], dir)).toBe(0)
      expect(await readFile(path.join(dir, 'docs', 'guide.md'), 'utf8')).toContain('```yaml\nkind: Application\n```')
      expect(await main(['--check'], dir)).toBe(0)
      expect(errors).toEqual([])

      await writeFile(path.join(dir, 'examples', 'app.yaml'), 'kind: Application\nchanged: true\n')
      expect(await main(['--check'], dir)).toBe(1)
      expect(errors.join('\n')).toContain('docs/guide.md is out of date: the copy of examples/app.yaml.')
    })

    test('fails clearly when an include names a missing file', async () => {
      await writeFile(path.join(dir, 'docs', 'guide.md'), '<!-- include: examples/missing.yaml -->\n```yaml\n```\n')
      await expect(main(['--check'], dir)).rejects.toThrow('examples/missing.yaml, which does not exist')
    })
  })
})
