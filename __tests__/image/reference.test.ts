import { describe, expect, test } from '@jest/globals'
import {
  InvalidReferenceError,
  formatReference,
  imageName,
  isDigest,
  isLoopbackHost,
  normalizedRepository,
  parseImageReference,
  pinnedReference,
  shortDigest,
} from '../../src/image/reference.js'

const HEX = '0123456789abcdef'.repeat(4)
const DIGEST = `sha256:${HEX}`

describe('parseImageReference', () => {
  test.each([
    ['nginx', { repository: 'nginx', registry: 'docker.io', path: 'library/nginx' }],
    ['nginx:1.25', { repository: 'nginx', registry: 'docker.io', path: 'library/nginx', tag: '1.25' }],
    [`nginx@${DIGEST}`, { repository: 'nginx', registry: 'docker.io', path: 'library/nginx', digest: DIGEST }],
    [
      `nginx:1.25@${DIGEST}`,
      { repository: 'nginx', registry: 'docker.io', path: 'library/nginx', tag: '1.25', digest: DIGEST },
    ],
    ['library/nginx', { repository: 'library/nginx', registry: 'docker.io', path: 'library/nginx' }],
    ['docker.io/nginx', { repository: 'docker.io/nginx', registry: 'docker.io', path: 'library/nginx' }],
    [
      'docker.io/library/nginx:1',
      { repository: 'docker.io/library/nginx', registry: 'docker.io', path: 'library/nginx', tag: '1' },
    ],
    ['index.docker.io/nginx', { repository: 'index.docker.io/nginx', registry: 'docker.io', path: 'library/nginx' }],
    [
      'index.docker.io/library/nginx:1.2',
      { repository: 'index.docker.io/library/nginx', registry: 'docker.io', path: 'library/nginx', tag: '1.2' },
    ],
    ['bitnami/redis:7', { repository: 'bitnami/redis', registry: 'docker.io', path: 'bitnami/redis', tag: '7' }],
    [
      'europe-docker.pkg.dev/acme/apps/backend:v1.2.3',
      {
        repository: 'europe-docker.pkg.dev/acme/apps/backend',
        registry: 'europe-docker.pkg.dev',
        path: 'acme/apps/backend',
        tag: 'v1.2.3',
      },
    ],
    ['localhost/app', { repository: 'localhost/app', registry: 'localhost', path: 'app' }],
    [
      'localhost:5000/team/app:dev',
      { repository: 'localhost:5000/team/app', registry: 'localhost:5000', path: 'team/app', tag: 'dev' },
    ],
    ['127.0.0.1:5000/app', { repository: '127.0.0.1:5000/app', registry: '127.0.0.1:5000', path: 'app' }],
    ['[::1]:5000/app:1', { repository: '[::1]:5000/app', registry: '[::1]:5000', path: 'app', tag: '1' }],
    ['Registry.Example/app', { repository: 'Registry.Example/app', registry: 'Registry.Example', path: 'app' }],
    [
      'ghcr.io/o/a__b.c-d---e:T_1.x-y',
      { repository: 'ghcr.io/o/a__b.c-d---e', registry: 'ghcr.io', path: 'o/a__b.c-d---e', tag: 'T_1.x-y' },
    ],
    // Docker reads `localhost:5000` without a slash as the image "localhost" with tag "5000".
    ['localhost:5000', { repository: 'localhost', registry: 'docker.io', path: 'library/localhost', tag: '5000' }],
    ['  nginx:1  ', { repository: 'nginx', registry: 'docker.io', path: 'library/nginx', tag: '1' }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected)
  })

  test.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['Nginx', 'path component "Nginx"'],
    ['nginx:', 'the tag ""'],
    ['nginx:-x', 'the tag "-x"'],
    [`nginx:${'a'.repeat(129)}`, 'the tag'],
    ['nginx:a:b', 'the tag "a:b"'],
    ['nginx@', 'the digest ""'],
    ['nginx@sha256:abc', 'the digest "sha256:abc"'],
    [`nginx@sha256:${HEX.toUpperCase()}`, 'the digest'],
    [`nginx@sha512:${HEX}${HEX}`, 'the digest'],
    [`nginx@${DIGEST}@${DIGEST}`, 'the digest'],
    [':1', 'the repository name is missing'],
    [`@${DIGEST}`, 'the repository name is missing'],
    ['ghcr.io//app', 'empty component'],
    ['ghcr.io/app/', 'empty component'],
    ['ghcr.io/a..b', 'path component "a..b"'],
    ['ghcr.io/-app', 'path component "-app"'],
    ['bad_host.io/app', 'not a valid registry host'],
    ['-host.io/app', 'not a valid registry host'],
    ['{{ .Values.image }}', ''],
    ['nginx latest', ''],
    [`ghcr.io/${'a'.repeat(256)}`, 'longer than 255'],
  ])('rejects %j', (text, reason) => {
    expect(() => parseImageReference(text)).toThrow(InvalidReferenceError)
    expect(() => parseImageReference(text)).toThrow(reason)
  })
})

describe('normalizedRepository', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1', 'docker.io/library/nginx'],
    ['library/nginx', 'docker.io/library/nginx'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['docker.io/library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx:1.2', 'docker.io/library/nginx'],
    [`nginx:1@${DIGEST}`, 'docker.io/library/nginx'],
    ['bitnami/nginx', 'docker.io/bitnami/nginx'],
    ['ghcr.io/nginx', 'ghcr.io/nginx'],
    ['localhost:5000/nginx', 'localhost:5000/nginx'],
  ])('%s -> %s', (text, expected) => {
    expect(normalizedRepository(parseImageReference(text))).toBe(expected)
  })
})

describe('formatting', () => {
  test.each([
    ['nginx', 'nginx'],
    ['nginx:1', 'nginx:1'],
    [`docker.io/nginx:1@${DIGEST}`, `docker.io/nginx:1@${DIGEST}`],
  ])('formatReference(%s) keeps the spelling', (text, expected) => {
    expect(formatReference(parseImageReference(text))).toBe(expected)
  })

  test.each([
    ['nginx', `nginx@${DIGEST}`],
    ['nginx:1.25', `nginx:1.25@${DIGEST}`],
    [`nginx:1.25@sha256:${'f'.repeat(64)}`, `nginx:1.25@${DIGEST}`],
    ['europe-docker.pkg.dev/p/r/app:v1', `europe-docker.pkg.dev/p/r/app:v1@${DIGEST}`],
  ])('pinnedReference(%s)', (text, expected) => {
    expect(pinnedReference(parseImageReference(text), DIGEST)).toBe(expected)
  })

  test.each([
    ['nginx', 'nginx'],
    ['europe-docker.pkg.dev/acme/apps/backend:1', 'backend'],
    ['localhost:5000/app', 'app'],
  ])('imageName(%s) = %s', (text, expected) => {
    expect(imageName(parseImageReference(text))).toBe(expected)
  })

  test('shortDigest and isDigest', () => {
    expect(shortDigest(DIGEST)).toBe('0123456789ab')
    expect(isDigest(DIGEST)).toBe(true)
    expect(isDigest(HEX)).toBe(false)
    expect(isDigest(`sha256:${HEX.toUpperCase()}`)).toBe(false)
  })
})

describe('isLoopbackHost', () => {
  test.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['[::1]:5000', true],
    ['[::1]', true],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
    ['docker.io', false],
    ['[::2]:5000', false],
  ])('%s -> %s', (registry, expected) => {
    expect(isLoopbackHost(registry)).toBe(expected)
  })
})
