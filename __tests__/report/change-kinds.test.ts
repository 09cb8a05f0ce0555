import { describe, expect, test } from '@jest/globals'
import { changeList } from '../../src/report/markdown.js'

const length = (text: string): number => text.length

describe('change list', () => {
  test('kustomize images entries and fields are not called containers', () => {
    const list = changeList(
      [
        {
          path: 'apps/backend/overlays/prod/kustomization.yaml',
          changes: [
            { line: 7, kind: 'Kustomization', workload: 'images', container: '', from: 'a:1', to: 'a:2@sha256:x' },
          ],
        },
        {
          path: 'charts/backend/values.yaml',
          changes: [{ line: 3, kind: 'field', workload: 'image.tag', container: '', from: '1', to: '2@sha256:x' }],
        },
        {
          path: 'apps/backend/deployment.yaml',
          changes: [{ line: 9, kind: 'Deployment', workload: 'backend', container: 'app', from: 'a:1', to: 'a:2' }],
        },
      ],
      10_000,
      length,
    )
    expect(list).toContain('line 7: Kustomization `images`: `a:1` → `a:2@sha256:x`')
    expect(list).toContain('line 3: field `image.tag`: `1` → `2@sha256:x`')
    expect(list).toContain('line 9: Deployment `backend`, container `app`: `a:1` → `a:2`')
  })
})
