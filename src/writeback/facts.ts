// What a change deploys, as the pull request body, the job summary and verification tell it.
import { unifiedDiff } from '../report/diff.js'
import type { DeploymentFacts } from '../report/pull-request.js'
import type { Settings } from '../settings.js'
import type { FileUpdate } from '../gitops/repository.js'
import type { PinPlan } from '../manifests/plan.js'
import type { GitOps } from './gitops.js'

/** The pins of one run, as the writers commit them and the reports describe them. */
export interface PinnedChange {
  /** All images together: each file before the first pin and after the last. */
  readonly plan: PinPlan
  readonly files: readonly FileUpdate[]
  /** Per image, in input order: the files its pin changes. */
  readonly changedFilesPerImage: readonly (readonly string[])[]
}

export function deploymentFacts(
  settings: Settings,
  gitops: GitOps,
  base: string,
  change: PinnedChange,
  image: DeploymentFacts['image'],
  publish?: DeploymentFacts['publish'],
  sourceSha?: string,
): DeploymentFacts {
  return {
    image,
    registry: settings.image.registry,
    gitopsRepository: gitops.repository.fullName,
    base,
    files: change.plan.files
      .filter((file) => file.changes.length > 0)
      .map((file) => ({
        path: file.path,
        diff: unifiedDiff(file.path, file.before, file.after),
        changes: file.changes,
      })),
    source: {
      serverUrl: settings.run.serverUrl,
      repository: settings.run.repository,
      // The commit the GitOps commit names (a pull request's head rather than its merge preview).
      sha: sourceSha ?? settings.run.sha,
      runId: settings.run.runId,
    },
    ...(publish !== undefined && { publish }),
  }
}
