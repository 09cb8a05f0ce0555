// The run's results: step outputs for later steps, and a job summary for people.
import * as core from '@actions/core'
import type { PublishResult } from './registry/publish.js'
import { writeJobSummary } from './report/summary.js'
import { templateValues } from './report/templates.js'
import { combinedValues } from './fleet/images.js'
import { formatReference } from './image/reference.js'
import type { Settings } from './settings.js'
import { deploymentFacts } from './writeback/facts.js'
import type { GitOps } from './writeback/gitops.js'
import type { WriteBackOutcome } from './writeback/write.js'

export async function setOutputs(
  settings: Settings,
  gitops: GitOps,
  images: readonly PublishResult[],
  outcome: WriteBackOutcome,
): Promise<void> {
  const all = settings.images.map((reference, i) => templateValues(reference, images[i]!.digest))
  const values = combinedValues(all)
  // In a dry run: what a real run would change. Otherwise what this run wrote: a rerun that finds its change in place (pr mode) wrote nothing.
  const changed = settings.dryRun ? outcome.change.files.length > 0 : outcome.written
  const changedFiles = changed ? outcome.change.files.map((file) => file.path) : []
  const outputs: Record<string, string> = {
    // One image: its digest and reference; several: one per line, in the order of the input.
    digest: images.map((image) => image.digest).join('\n'),
    'pinned-image': all.map((v) => v.image).join('\n'),
    changed: String(changed),
    'changed-files': JSON.stringify(changedFiles),
    'commit-sha': outcome.commitSha ?? '',
    'pull-request-number': outcome.pullRequest ? String(outcome.pullRequest.number) : '',
    'pull-request-url': outcome.pullRequest?.url ?? '',
    images: JSON.stringify(
      settings.images.map((reference, i) => ({
        image: formatReference(reference),
        digest: images[i]!.digest,
        'pinned-image': all[i]!.image,
        'changed-files': changed ? outcome.change.changedFilesPerImage[i] : [],
      })),
    ),
  }
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value)
    core.info(`${name}: ${value}`)
  }

  const sum = (key: 'blobsUploaded' | 'blobsPresent' | 'bytesUploaded') =>
    images.reduce((total, image) => total + image[key], 0)
  const facts = deploymentFacts(
    settings,
    gitops,
    outcome.base,
    outcome.change,
    values,
    {
      pushed: images.some((image) => image.pushed),
      blobsUploaded: sum('blobsUploaded'),
      blobsPresent: sum('blobsPresent'),
      bytesUploaded: sum('bytesUploaded'),
    },
    outcome.source?.sha,
  )
  await writeJobSummary({
    facts,
    mode: settings.mode,
    dryRun: settings.dryRun,
    changed,
    ...(outcome.commitSha !== undefined && {
      commitUrl: `${settings.run.serverUrl}/${gitops.repository.fullName}/commit/${outcome.commitSha}`,
    }),
    ...(outcome.pullRequest !== undefined && { pullRequest: outcome.pullRequest }),
    ...(outcome.merged === true && { merged: true }),
  })
}
