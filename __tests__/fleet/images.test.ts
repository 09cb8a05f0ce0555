// Several images in one run: the image list, the branch that names the set, templates for all.
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { combinedValues, defaultBranch, parseImageList, renderForAll } from '../../src/fleet/images.js'
import { templateValues } from '../../src/report/templates.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`

describe('parseImageList', () => {
  test('one reference per line, blank lines and surrounding spaces ignored', () => {
    const images = parseImageList('  reg.example/a/api:1.2\n\n reg.example/a/web:3.4  \n')
    expect(images.map((i) => `${i.repository}:${i.tag}`)).toEqual(['reg.example/a/api:1.2', 'reg.example/a/web:3.4'])
  })

  test('a bad line is named by its number', () => {
    expect(() => parseImageList('reg.example/a/api:1\nreg.example/a/WEB:2')).toThrow(/Input 'image'.*line 2/)
  })

  test('the same repository twice is refused', () => {
    expect(() => parseImageList('reg.example/a/api:1\nreg.example/a/api:2')).toThrow(
      /lines 1 and 2 both name reg\.example\/a\/api/,
    )
  })

  test('empty is refused', () => {
    expect(() => parseImageList(' \n ')).toThrow(InputError)
  })
})

describe('defaultBranch', () => {
  test('one image: deploy/NAME', () => {
    expect(defaultBranch(parseImageList('reg.example/a/api:1'))).toBe('deploy/api')
  })

  test('several: the sorted names, whatever the order and tags', () => {
    const one = defaultBranch(parseImageList('reg.example/a/web:1\nreg.example/a/api:1'))
    const two = defaultBranch(parseImageList('reg.example/a/api:9\nreg.example/a/web:8'))
    expect(one).toBe('deploy/api-web')
    expect(two).toBe(one)
  })

  test('many, or names that collide: a short hash of the repositories, stable for the set', () => {
    const names = Array.from({ length: 30 }, (_, i) => `reg.example/a/service-${i}:1`)
    const branch = defaultBranch(parseImageList(names.join('\n')))
    expect(branch).toMatch(/^deploy\/30-images-[0-9a-f]{10}$/)
    expect(defaultBranch(parseImageList([...names].reverse().join('\n')))).toBe(branch)
    expect(defaultBranch(parseImageList('reg.example/a/api:1\nreg.example/b/api:1'))).toMatch(/^deploy\/2-images-/)
  })
})

describe('renderForAll', () => {
  const values = [
    templateValues(parseImageList('reg.example/a/api:1.2')[0]!, D1),
    templateValues(parseImageList('reg.example/a/web:3.4')[0]!, D2),
  ]

  test.each([
    ['Deploy {name} {version}', 'Deploy api 1.2, web 3.4'],
    ['{name}: {version}', 'api: 1.2, web: 3.4'],
    ['Release train', 'Release train'],
  ])('%j → %j', (template, expected) => {
    expect(renderForAll(template, values)).toBe(expected)
  })

  test('one image renders plainly', () => {
    expect(renderForAll('Deploy {name} {version}', values.slice(0, 1))).toBe('Deploy api 1.2')
  })

  test('combinedValues lists each field once per distinct value', () => {
    expect(combinedValues(values)).toMatchObject({ name: 'api, web', digest: `${D1}, ${D2}` })
  })
})
