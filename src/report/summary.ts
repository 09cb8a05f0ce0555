// The job summary: what one run deployed, where, and what it changed.

import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import { changeList, code, diffSections, link, text, url, utf8Length } from './markdown.js'
import { formatBytes } from '../util/bytes.js'
import { factsTable, sourceLinks, type DeploymentFacts } from './pull-request.js'

export interface RunReport {
  facts: DeploymentFacts
  mode: 'pr' | 'push'
  dryRun: boolean
  changed: boolean
  commitUrl?: string
  pullRequest?: { number: number; url: string; created: boolean }
  /** The pull request was merged (`merge`); `commitUrl` is the commit that landed on the base. */
  merged?: boolean
}

/** GitHub refuses a step summary over 1 MiB; stay well below it. */
const SUMMARY_LIMIT_BYTES = 900 * 1024
const LIMIT_NAME = "the job summary's limit of 1 MiB"

/**
 * Appends the job summary (GITHUB_STEP_SUMMARY) and returns its markdown. A missing or unwritable
 * summary file only warns: the deployment itself has already happened.
 */
export async function writeJobSummary(report: RunReport): Promise<string> {
  const markdown = summaryMarkdown(report)
  if (!process.env['GITHUB_STEP_SUMMARY']) core.info('GITHUB_STEP_SUMMARY is not set: no job summary written.')
  else await appendJobSummary(markdown)
  return markdown
}

/** Appends `markdown` to the job summary when there is one; failing to only warns. */
export async function appendJobSummary(markdown: string): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return
  try {
    // core.summary's HTML helpers (addCodeBlock, addTable, …) do not escape their content, so a diff
    // holding `<` would turn into markup; the markdown is built with escaping and added as is.
    await core.summary.addRaw(markdown, true).write()
  } catch (error) {
    core.summary.emptyBuffer()
    core.warning(`Could not write the job summary: ${errorMessage(error)}`)
  }
}

/** The job summary as markdown: heading, outcome, facts table, changed containers, diffs, links. */
export function summaryMarkdown(report: RunReport): string {
  const { facts } = report
  const sections = [`## Deploy ${code(facts.image.name)}`, outcome(report)]

  const rows: [string, string][] = []
  if (facts.publish) rows.push(['Layers', layers(facts.publish, report.dryRun)])
  rows.push(['GitOps repository', `${repositoryLink(facts)} → ${code(facts.base)}`])
  const summaryTable = factsTable(facts, rows)
  sections.push(summaryTable)

  const links = sourceLinks(facts.source)
  let budget =
    SUMMARY_LIMIT_BYTES - sections.reduce((sum, section) => sum + utf8Length(section) + 2, 0) - utf8Length(links) - 64
  const withChanges = facts.files.filter((file) => file.changes.length > 0)
  if (withChanges.length > 0) {
    sections.push(`### Changed containers\n\n${changeList(withChanges, budget * 0.5, utf8Length)}`)
    budget -= utf8Length(sections[sections.length - 1]) + 2
  }
  if (facts.files.some((file) => file.diff !== '')) {
    sections.push(`### Diff\n\n${diffSections(facts.files, budget - 32, utf8Length, LIMIT_NAME)}`)
  }
  if (links) sections.push(links)
  return sections.map((section) => section.replace(/\n+$/, '')).join('\n\n') + '\n'
}

function outcome(report: RunReport): string {
  const { facts } = report
  const target = `${code(facts.base)} of ${text(facts.gitopsRepository)}`
  if (!report.changed) {
    return `${report.dryRun ? '**Dry run.** ' : ''}Nothing to change: the manifests already pin ${code(facts.image.digest)}.`
  }
  if (report.dryRun) {
    const action =
      report.mode === 'push' ? `push a commit to ${target}` : `open or update a pull request into ${target}`
    return `**Dry run:** nothing was pushed or written. The run would ${action}.`
  }
  if (report.mode === 'pr') {
    if (!report.pullRequest) return `Prepared a pull request into ${target}.`
    const { number, url: prUrl, created } = report.pullRequest
    const opened = `${created ? 'Opened' : 'Updated'} pull request ${link(`#${number}`, prUrl)} into ${target}`
    if (!report.merged || !report.commitUrl) return `${opened}.`
    return `${opened} and merged it as ${commitLink(report.commitUrl)}.`
  }
  if (!report.commitUrl) return `Pushed a commit to ${target}.`
  return `Pushed commit ${commitLink(report.commitUrl)} to ${target}.`
}

function commitLink(commitUrl: string): string {
  const sha = /\/commit\/([0-9a-f]{7,64})$/i.exec(commitUrl)?.[1]
  return link(sha ? code(sha.slice(0, 7)) : 'commit', commitUrl)
}

function layers(publish: NonNullable<DeploymentFacts['publish']>, dryRun: boolean): string {
  if (!publish.pushed) return dryRun ? 'not pushed (dry run)' : 'not pushed by this run'
  // Counted in blobs (layers and the config), as the registry stores them.
  return `${publish.blobsUploaded} uploaded (${formatBytes(publish.bytesUploaded)}), ${publish.blobsPresent} already in the registry`
}

function repositoryLink(facts: DeploymentFacts): string {
  const name = text(facts.gitopsRepository)
  return facts.source.serverUrl ? link(name, url(facts.source.serverUrl, facts.gitopsRepository)) : name
}
