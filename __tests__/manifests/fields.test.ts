import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import { fieldValue, findFieldSites, parseFieldTargets, pinFields } from '../../src/manifests/fields.js'
import { ManifestError } from '../../src/manifests/pin.js'

const DIGEST = `sha256:${'a'.repeat(64)}`
const PINNED = `europe-docker.pkg.dev/acme/apps/backend:1.4.2@${DIGEST}`

function pin(content: string, input: string): string {
  const targets = parseFieldTargets(input, true)
  return pinFields(content, findFieldSites(content, targets), PINNED).content
}

describe('parseFieldTargets', () => {
  test('one target per line, with what each receives', () => {
    const targets = parseFieldTargets(
      ' charts/backend/values-prod.yaml#image.tag=tag \n\n./crd.yaml#spec.image\napp.yaml#spec.source.helm.parameters.0.value=digest\n',
      true,
    )
    expect(targets.map(({ file, path, value }) => ({ file, path, value }))).toEqual([
      { file: 'charts/backend/values-prod.yaml', path: ['image', 'tag'], value: 'tag' },
      { file: 'crd.yaml', path: ['spec', 'image'], value: 'image' },
      { file: 'app.yaml', path: ['spec', 'source', 'helm', 'parameters', '0', 'value'], value: 'digest' },
    ])
    expect(targets.map((target) => fieldValue(target, PINNED))).toEqual([`1.4.2@${DIGEST}`, PINNED, DIGEST])
  })

  test.each([
    ['values.yaml', 'is not FILE#KEY.PATH'],
    ['values.yaml#image..tag', 'has an empty key'],
    ['values.yaml#image.tag=version', '"=version" is not one of =tag, =digest'],
    ['/etc/values.yaml#image', 'relative to the GitOps repository root'],
    ['../values.yaml#image', 'relative to the GitOps repository root'],
  ])('refuses %s', (input, message) => {
    expect(() => parseFieldTargets(input, true)).toThrow(InputError)
    expect(() => parseFieldTargets(input, true)).toThrow(message)
  })

  test('=tag needs an image with a tag', () => {
    expect(() => parseFieldTargets('values.yaml#image.tag=tag', false)).toThrow('the image input has none')
  })
})

describe('pinning fields', () => {
  test('Helm values keep quoting and comments', () => {
    expect(pin('image:\n  repository: x\n  tag: "1.0.0" # by CI\n', 'v.yaml#image.tag=tag')).toBe(
      `image:\n  repository: x\n  tag: "1.4.2@${DIGEST}" # by CI\n`,
    )
    expect(pin("image: {tag: '1'}\r\n", 'v.yaml#image.tag=digest')).toBe(`image: {tag: '${DIGEST}'}\r\n`)
  })

  test('a plain numeric value becomes a quoted string only when it must', () => {
    expect(pin('spec:\n  image: 1.0\n', 'crd.yaml#spec.image')).toBe(`spec:\n  image: ${PINNED}\n`)
    expect(pin('tag: latest\n', 'v.yaml#tag=digest')).toBe(`tag: ${DIGEST}\n`)
  })

  test('an Argo CD Application Helm parameter by index', () => {
    const app = 'spec:\n  source:\n    helm:\n      parameters:\n      - name: image.tag\n        value: "1.0"\n'
    expect(pin(app, 'app.yaml#spec.source.helm.parameters.0.value=tag')).toBe(
      app.replace('value: "1.0"', `value: "1.4.2@${DIGEST}"`),
    )
  })

  test('an empty value is filled', () => {
    expect(pin('image:\n  tag:\n', 'v.yaml#image.tag=tag')).toBe(`image:\n  tag: "1.4.2@${DIGEST}"\n`)
  })

  test('the key is looked up in every document of the file', () => {
    expect(pin('kind: A\n---\nspec:\n  image: x:1\n', 'f.yaml#spec.image')).toBe(
      `kind: A\n---\nspec:\n  image: ${PINNED}\n`,
    )
  })

  test('an already pinned value changes nothing', () => {
    const content = `image:\n  tag: 1.4.2@${DIGEST}\n`
    const targets = parseFieldTargets('v.yaml#image.tag=tag', true)
    expect(pinFields(content, findFieldSites(content, targets), PINNED).changes).toEqual([])
  })

  test.each([
    ['image:\n  repository: x\n', 'v.yaml#image.tag', 'v.yaml has no key image.tag (it stops at image)'],
    ['image:\n  tag: [1]\n', 'v.yaml#image.tag', 'v.yaml holds a list at image.tag, not a single value'],
    ['image:\n  tag: 1\n', 'v.yaml#image', 'v.yaml holds a mapping at image, not a single value'],
  ])('refuses %j at %s', (content, input, message) => {
    const targets = parseFieldTargets(input, true)
    expect(() => findFieldSites(content, targets)).toThrow(InputError)
    expect(() => findFieldSites(content, targets)).toThrow(message)
  })

  test('a block scalar over several lines is refused', () => {
    const content = 'image: >-\n  a\n  b\n'
    const targets = parseFieldTargets('v.yaml#image', true)
    expect(() => pinFields(content, findFieldSites(content, targets), PINNED)).toThrow(ManifestError)
  })
})
