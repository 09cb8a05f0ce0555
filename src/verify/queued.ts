// `mode: pr` with `environment`: the GitHub deployment of the source commit is created when the
// pull request opens, `queued` until someone merges it, so the source repository shows the pending
// deploy; `mode: verify` in the GitOps repository continues the same deployment after the merge.
import * as core from '@actions/core'
import { createGitHubClient } from '../gitops/client.js'
import type { Settings } from '../settings.js'
import { GitHubDeployment } from './github.js'

export async function queueDeployment(
  settings: Settings & { readonly queuedDeployment: NonNullable<Settings['queuedDeployment']> },
  outcome: {
    readonly pullRequest?: { readonly number: number; readonly url: string }
    readonly source?: { readonly sha?: string }
  },
): Promise<void> {
  const pull = outcome.pullRequest
  if (pull === undefined) return
  const { run, queuedDeployment } = settings
  const deployment = await GitHubDeployment.continueOrCreate(
    createGitHubClient(queuedDeployment.sourceToken, run.apiUrl),
    {
      repository: run.repository,
      sha: outcome.source?.sha ?? run.sha,
      environment: queuedDeployment.environment,
      payload: { gitops_pull_request: pull.url },
      description: `Deploy through ${settings.gitops.owner}/${settings.gitops.repo}#${pull.number}`,
    },
    pull.url,
  )
  if (deployment === undefined) return
  await deployment.setState('queued', `Waiting for pull request #${pull.number} to merge`, undefined, pull.url)
  core.setOutput('deployment-id', String(deployment.id))
}
