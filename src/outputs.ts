// The run's results: step outputs for later steps, and a job summary for people.
import * as core from '@actions/core'
import type { PublishResult } from './registry/publish.js'
import { writeJobSummary } from './report/summary.js'
import { templateValues } from './report/templates.js'
import type { Settings } from './settings.js'
import { type WriteBackOutcome, deploymentFacts, type GitOps } from './writeback.js'

export async function setOutputs(
  settings: Settings,
  gitops: GitOps,
  image: PublishResult,
  outcome: WriteBackOutcome,
): Promise<void> {
  const values = templateValues(settings.image, image.digest)
  // In a dry run: what a real run would change. Otherwise what this run wrote: a rerun that finds its change in place (pr mode) wrote nothing.
  const changed = settings.dryRun ? outcome.change.files.length > 0 : outcome.written
  const changedFiles = changed ? outcome.change.files.map((file) => file.path) : []
  const outputs: Record<string, string> = {
    digest: image.digest,
    'pinned-image': values.image,
    changed: String(changed),
    'changed-files': JSON.stringify(changedFiles),
    'commit-sha': outcome.commitSha ?? '',
    'pull-request-number': outcome.pullRequest ? String(outcome.pullRequest.number) : '',
    'pull-request-url': outcome.pullRequest?.url ?? '',
  }
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value)
    core.info(`${name}: ${value}`)
  }

  const facts = deploymentFacts(settings, gitops, outcome.base, outcome.change, values, {
    pushed: image.pushed,
    blobsUploaded: image.blobsUploaded,
    blobsPresent: image.blobsPresent,
    bytesUploaded: image.bytesUploaded,
  })
  await writeJobSummary({
    facts,
    mode: settings.mode,
    dryRun: settings.dryRun,
    changed,
    ...(outcome.commitSha !== undefined && {
      commitUrl: `${settings.run.serverUrl}/${gitops.repository.fullName}/commit/${outcome.commitSha}`,
    }),
    ...(outcome.pullRequest !== undefined && { pullRequest: outcome.pullRequest }),
  })
}
