// `on-failure: revert`: one compare-and-swap commit on the base branch that puts back the image
// scalars this run wrote and that still hold what it wrote (revert-plan.ts decides which).
import * as core from '@actions/core'
import type { GitOpsRepository, Snapshot } from '../gitops/repository.js'
import { pushToBase } from '../gitops/writer.js'
import { statusOf } from '../net/retry.js'
import { type RevertPlan, type WrittenFile, planRevert } from './revert-plan.js'

export interface RevertOutcome {
  readonly plan: RevertPlan
  /** Undefined when nothing could be restored. */
  readonly commitSha?: string
  /** The revert pull request, when the revert went through one (`merge`). */
  readonly pullRequestUrl?: string
}

/** How a revert is written: one commit on the base (push mode), or a pull request that is merged. */
export type Reverter = (base: string, written: readonly WrittenFile[], message: string) => Promise<RevertOutcome>

export async function revertChange(
  repository: GitOpsRepository,
  base: string,
  written: readonly WrittenFile[],
  message: string,
): Promise<RevertOutcome> {
  const prepare = async (snapshot: Snapshot): Promise<RevertPlan> => {
    const current = new Map<string, string | undefined>()
    for (const file of written) current.set(file.path, await readIfPresent(repository, snapshot, file.path))
    return planRevert(written, current)
  }
  const initial = await repository.snapshot(base)
  const outcome = await pushToBase(repository, { base, initial, message, prepare })
  const plan = outcome.prepared
  for (const item of plan.restored) core.info(`Revert: restored ${item.description}`)
  for (const item of plan.leftAlone) core.warning(`Revert: left alone ${item.description}`)
  return { plan, ...(outcome.commitSha !== undefined && { commitSha: outcome.commitSha }) }
}

export async function readIfPresent(
  repository: GitOpsRepository,
  snapshot: Snapshot,
  path: string,
): Promise<string | undefined> {
  try {
    const [file] = await repository.readFiles(snapshot, [path])
    return file?.content
  } catch (error) {
    if (statusOf(error) === 404 || statusOf((error as { cause?: unknown }).cause) === 404) return undefined
    throw error
  }
}
