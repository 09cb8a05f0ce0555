// The pins a commit changed: put back line for line, other changes of the same commit kept, and
// the revert plan built on it restores exactly the parent's pins.
import { describe, expect, test } from '@jest/globals'
import { planRevert } from '../../src/verify/revert-plan.js'
import { pinnedChange } from '../../src/verify/revision-pins.js'

const OLD = `registry.example/acme/backend:1.0.0@sha256:${'a'.repeat(64)}`
const NEW = `registry.example/acme/backend:1.1.0@sha256:${'b'.repeat(64)}`
const file = (image: string, replicas: number) =>
  `apiVersion: apps/v1\r\nkind: Deployment\r\nspec:\r\n  replicas: ${replicas}\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: backend\r\n          image: "${image}" # pinned\r\n`

describe('pinnedChange', () => {
  test('only the pin is put back; a replica change of the same commit stays', () => {
    const change = pinnedChange('apps/backend/deployment.yaml', file(OLD, 2), file(NEW, 3))!
    expect(change.before).toBe(file(OLD, 3))
    expect(change.after).toBe(file(NEW, 3))
    expect(change.changes).toEqual([{ line: 9, from: OLD, to: NEW }])
    const plan = planRevert([change], new Map([[change.path, change.after]]))
    expect(plan.files).toEqual([{ path: change.path, content: file(OLD, 3) }])
    expect(plan.restored[0]!.description).toContain(`(${NEW} → ${OLD})`)
  })

  test('a commit that changed no pin gives nothing to revert', () => {
    expect(pinnedChange('a.yaml', file(OLD, 2), file(OLD, 3))).toBeUndefined()
    expect(pinnedChange('a.yaml', '', file(NEW, 1))).toBeUndefined()
  })
})
