// What a change deploys, as the pull request body, the job summary and verification tell it.
import { unifiedDiff } from '../report/diff.js'
import type { DeploymentFacts } from '../report/pull-request.js'
import type { Settings } from '../settings.js'
import type { GitOps } from './gitops.js'
import type { PinnedChange } from './write.js'

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
