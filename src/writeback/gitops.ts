// The GitOps repository of a run and what to pin in it: one selector per image.
import { createGitHubClient } from '../gitops/client.js'
import { GitOpsRepository } from '../gitops/repository.js'
import { MergeApi } from '../gitops/merge-api.js'
import { normalizedRepository } from '../image/reference.js'
import type { PinSelector } from '../manifests/plan.js'
import type { Settings } from '../settings.js'

export interface GitOps {
  readonly repository: GitOpsRepository
  /** Merging the run's pull requests (`merge`). */
  readonly merges: MergeApi
  /** The first image's selector (of `selectors`). */
  readonly selector: PinSelector
  /** One per image, in the order of the `image` input; `fields` go with the first (and only) image. */
  readonly selectors: readonly PinSelector[]
}

export function openGitOps(settings: Settings): GitOps {
  const client = createGitHubClient(settings.token, settings.run.apiUrl)
  const selectors = settings.images.map((image, i) => ({
    repository: normalizedRepository(image),
    ...(settings.container !== undefined && { container: settings.container }),
    fields: i === 0 ? settings.fields : [],
  }))
  return {
    repository: new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo),
    merges: new MergeApi(client, settings.gitops.owner, settings.gitops.repo),
    selector: selectors[0]!,
    selectors,
  }
}
