// Line endings as kubectl reads them: a carriage return on its own is a line break to go-yaml,
// so a file with a stray `\r` is pinned, and every other byte stays as it was.
import { expect, test } from '@jest/globals'
import { pinManifest } from '../../src/manifests/pin.js'

const PINNED = `nginx:1.27@sha256:${'2'.repeat(64)}`

test('a stray CR between lines is a line break, kept as it was', () => {
  const before =
    'kind: Pod\nmetadata:\n  name: web\r  labels: {app: web}\r\nspec:\n  containers:\n  - name: web\r    image: nginx:1.27\r'
  const result = pinManifest(before, 'p.yaml', { repository: 'docker.io/library/nginx' }, PINNED)
  expect(result.sites).toHaveLength(1)
  expect(result.content).toBe(before.replace('image: nginx:1.27\r', `image: ${PINNED}\r`))
})
