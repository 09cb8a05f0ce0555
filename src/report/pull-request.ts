// The pull request's description: what is deployed, where, the diff, and where it came from.

import {
  bodyLength,
  changeList,
  code,
  diffSections,
  link,
  plural,
  table,
  text,
  url,
  type ChangeLine,
} from './markdown.js'
import type { TemplateValues } from './templates.js'

export interface DeploymentFacts {
  image: TemplateValues
  /** Registry host (and port). */
  registry: string
  /** `owner/name` of the GitOps repository. */
  gitopsRepository: string
  base: string
  files: { path: string; diff: string; changes: ChangeLine[] }[]
  /** The workflow run that deploys: GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID. */
  source: { serverUrl: string; repository: string; sha: string; runId: string }
  publish?: { pushed: boolean; blobsUploaded: number; blobsPresent: number; bytesUploaded: number }
}

/** Marks the body as generated, for readers and for tools that look for the action's pull requests. */
export const PULL_REQUEST_MARKER = '<!-- gitops-deploy-action -->'
/** GitHub rejects a longer body: "body is too long (maximum is 65536 characters)". */
export const MAX_BODY_LENGTH = 65_536
const LIMIT_NAME = "GitHub's limit of 65,536 characters"
/** How many files the table names before it only counts. */
const TABLE_FILES = 10

/**
 * Markdown PR body: the user's intro (already rendered), a table of image, digest, registry and files,
 * the changed containers per file, the diffs (long ones collapsed), links to the source commit and the
 * workflow run, and the hidden marker. Stays under GitHub's 65,536 characters, cutting diffs first,
 * then the container list, then the intro, and saying what was cut.
 */
export function pullRequestBody(facts: DeploymentFacts, intro: string): string {
  // The budgets below leave room for their notes, so the first layout fits; the rest is a safety net.
  for (const layout of ['full', 'no-diffs', 'table-only'] as const) {
    const body = compose(facts, intro, layout)
    if (bodyLength(body) <= MAX_BODY_LENGTH) return body
  }
  return compose(facts, '', 'table-only')
}

function compose(facts: DeploymentFacts, intro: string, layout: 'full' | 'no-diffs' | 'table-only'): string {
  const summaryTable = factsTable(facts)
  const links = sourceLinks(facts.source)
  const footer = `${links ? `${links}\n\n` : ''}${PULL_REQUEST_MARKER}\n`
  let budget = MAX_BODY_LENGTH - bodyLength(summaryTable) - bodyLength(footer) - 64

  const introText = intro.trim() === '' ? '' : fitIntro(intro.trim(), Math.min(budget - 2_000, budget * 0.75))
  budget -= bodyLength(introText) + 4

  const sections = [introText, summaryTable]
  const withChanges = facts.files.filter((file) => file.changes.length > 0)
  if (layout !== 'table-only' && withChanges.length > 0) {
    sections.push(`**Changed containers**\n\n${changeList(withChanges, Math.max(0, budget * 0.5), bodyLength)}`)
    budget -= bodyLength(sections[sections.length - 1]) + 4
  }
  if (facts.files.some((file) => file.diff !== '')) {
    sections.push(
      layout === 'full'
        ? `**Diff**\n\n${diffSections(facts.files, budget - 32, bodyLength, LIMIT_NAME)}`
        : `_The diffs are left out to stay under ${LIMIT_NAME}; the commit has the full change._`,
    )
  }
  sections.push(footer)
  return (
    sections
      .filter((section) => section !== '')
      .map((section) => section.replace(/\n+$/, ''))
      .join('\n\n') + '\n'
  )
}

export function factsTable(facts: DeploymentFacts, extraRows: [string, string][] = []): string {
  const paths = facts.files.map((file) => code(file.path))
  const shown = paths.slice(0, TABLE_FILES)
  if (paths.length > TABLE_FILES) shown.push(`… and ${plural(paths.length - TABLE_FILES, 'more file')}`)
  return table([
    ['Image', code(facts.image.image)],
    ['Digest', code(facts.image.digest)],
    ['Registry', code(facts.registry)],
    ...extraRows,
    ['Files', shown.length > 0 ? shown.join('<br>') : 'none'],
  ])
}

/** "Deployed from commit X of owner/repo by workflow run N", leaving out a link whose parts are unknown. */
export function sourceLinks(source: DeploymentFacts['source']): string {
  const { serverUrl, repository, sha, runId } = source
  if (!serverUrl || !repository) return ''
  const commit = sha
    ? `from commit ${link(code(sha.slice(0, 7)), url(serverUrl, repository, 'commit', sha))} of ${text(repository)}`
    : ''
  const run = runId
    ? `by ${link(`workflow run ${text(runId)}`, url(serverUrl, repository, 'actions/runs', runId))}${sha ? '' : ` of ${text(repository)}`}`
    : ''
  return commit || run ? `Deployed ${[commit, run].filter(Boolean).join(' ')}.` : ''
}

function fitIntro(intro: string, room: number): string {
  if (bodyLength(intro) <= room) return intro
  const note = `\n\n_The description above is cut to stay under ${LIMIT_NAME}._`
  let end = 0
  let size = bodyLength(note)
  for (const line of intro.split('\n')) {
    const next = bodyLength(line) + 2
    if (size + next > room) break
    size += next
    end += line.length + 1
  }
  return intro.slice(0, Math.max(0, end - 1)) + note
}
