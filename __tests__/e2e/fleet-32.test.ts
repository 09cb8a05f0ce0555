// 32 push-mode runs into one GitOps repository at once, end to end through dist/index.js, with
// the GitHub stand-in answering after a random delay so that the runs really overlap. A file of
// its own so that jest runs it beside the other long cases. No timed assertions.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { type Fleet, concurrentRunsLand, startFleet } from './fleet-support.js'

let fleet: Fleet

beforeAll(async () => {
  fleet = await startFleet()
}, 120_000)

afterAll(async () => {
  await fleet?.stack.close()
})

afterEach(() => {
  expect(fleet.stack.github.takeValidationErrors()).toEqual([])
})

test('32 runs, each touching its own file: all land, one commit each, every pin present', async () => {
  await concurrentRunsLand(fleet, 32)
}, 600_000)
