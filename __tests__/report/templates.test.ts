import { describe, expect, test } from '@jest/globals'
import { parseImageReference } from '../../src/image/reference.js'
import { PLACEHOLDERS, renderTemplate, templateValues, type TemplateValues } from '../../src/report/templates.js'

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`

describe('templateValues', () => {
  test.each([
    {
      image: 'europe-docker.pkg.dev/acme/apps/backend:1.4.2',
      expected: {
        image: `europe-docker.pkg.dev/acme/apps/backend:1.4.2@${DIGEST}`,
        repository: 'europe-docker.pkg.dev/acme/apps/backend',
        name: 'backend',
        tag: '1.4.2',
        digest: DIGEST,
        'short-digest': '0123456789ab',
        version: '1.4.2',
      },
    },
    {
      image: `localhost:5000/team/worker@${DIGEST}`,
      expected: {
        image: `localhost:5000/team/worker@${DIGEST}`,
        repository: 'localhost:5000/team/worker',
        name: 'worker',
        tag: '',
        digest: DIGEST,
        'short-digest': '0123456789ab',
        version: '0123456789ab',
      },
    },
    {
      image: 'nginx:1.27',
      expected: {
        image: `nginx:1.27@${DIGEST}`,
        repository: 'nginx',
        name: 'nginx',
        tag: '1.27',
        digest: DIGEST,
        'short-digest': '0123456789ab',
        version: '1.27',
      },
    },
  ])('$image', ({ image, expected }) => {
    expect(templateValues(parseImageReference(image), DIGEST)).toEqual(expected)
  })

  test('the given digest wins over one in the reference', () => {
    const other = `sha256:${'f'.repeat(64)}`
    expect(templateValues(parseImageReference(`app:1@${other}`), DIGEST).image).toBe(`app:1@${DIGEST}`)
  })

  test('a malformed digest is refused', () => {
    expect(() => templateValues(parseImageReference('app:1'), 'sha256:abc')).toThrow(/not a sha256 digest/)
  })
})

describe('renderTemplate', () => {
  const values: TemplateValues = templateValues(
    parseImageReference('europe-docker.pkg.dev/acme/apps/backend:1.4.2'),
    DIGEST,
  )

  test.each([
    { template: 'Deploy {name} {version}', expected: 'Deploy backend 1.4.2' },
    {
      template: 'chore(deploy): {image}',
      expected: `chore(deploy): europe-docker.pkg.dev/acme/apps/backend:1.4.2@${DIGEST}`,
    },
    {
      template: '{repository}:{tag} ({short-digest})',
      expected: 'europe-docker.pkg.dev/acme/apps/backend:1.4.2 (0123456789ab)',
    },
    { template: '{digest}', expected: DIGEST },
    { template: '{ name }', expected: 'backend' },
    { template: 'no placeholders', expected: 'no placeholders' },
    { template: '', expected: '' },
    { template: '{{name}}', expected: '{name}' },
    { template: '{{{name}}}', expected: '{backend}' },
    { template: 'a }} b {{ c', expected: 'a } b { c' },
    { template: '{"json": true}', expected: '{"json": true}' },
    { template: 'lone { stays, and } too', expected: 'lone { stays, and } too' },
    { template: 'line one\n{name}\n', expected: 'line one\nbackend\n' },
  ])('$template', ({ template, expected }) => {
    expect(renderTemplate(template, values)).toBe(expected)
  })

  test('every known placeholder renders', () => {
    for (const name of PLACEHOLDERS) expect(renderTemplate(`{${name}}`, values)).toBe(values[name])
  })

  test('a value holding braces is not expanded again', () => {
    expect(renderTemplate('{tag}', { ...values, tag: '{name}' })).toBe('{name}')
  })

  test.each([
    { template: 'Deploy {foo}', unknown: '{foo}' },
    { template: '{Name}', unknown: '{Name}' },
    { template: '{short_digest}', unknown: '{short_digest}' },
    { template: '{{ok}} {sha}', unknown: '{sha}' },
  ])('unknown placeholder in $template', ({ template, unknown }) => {
    expect(() => renderTemplate(template, values)).toThrow(
      `unknown placeholder ${unknown}; the known ones are {image}, {repository}, {name}, {tag}, {digest}, {short-digest}, {version} (write {{ and }} for literal braces)`,
    )
  })
})
