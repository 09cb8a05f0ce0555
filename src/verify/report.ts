// The verification part of the job summary: what Argo CD reported over time, what was not
// healthy, the smoke tests and the revert. Pure: data in, markdown out.
import { cell, code, link, text } from '../report/markdown.js'
import type { RevertItem } from './revert-plan.js'
import type { SmokeResult } from './smoke.js'
import type { SeenStatus } from './status-wait.js'
import { short } from './state.js'
import type { TimelineEntry } from './wait.js'

export interface VerificationReport {
  readonly verified: boolean
  readonly revision: string
  readonly failure?: string
  readonly applications: readonly { readonly name: string; readonly uiUrl: string }[]
  readonly timeline: readonly TimelineEntry[]
  /** The `verify-commit-status` contexts as last seen (empty without them). */
  readonly commitStatuses?: readonly SeenStatus[]
  readonly unhealthy: readonly string[]
  readonly smoke: readonly SmokeResult[]
  readonly revert?: {
    readonly commitSha?: string
    readonly commitUrl?: string
    /** The revert pull request, when the revert went through one (`merge`). */
    readonly pullRequestUrl?: string
    readonly restored: readonly RevertItem[]
    readonly leftAlone: readonly RevertItem[]
    readonly verified?: boolean
    readonly failure?: string
  }
}

const MAX_TIMELINE_ROWS = 50

export function verificationMarkdown(report: VerificationReport): string {
  const argo = report.applications.length > 0
  const sections: string[] = [argo ? '### Argo CD verification' : '### Deployment verification']
  sections.push(
    report.verified
      ? `✅ ${argo ? 'Synced and Healthy' : 'Deployed'} at ${code(short(report.revision))}.`
      : `❌ ${text(report.failure ?? 'Verification failed.')}`,
  )
  if (argo) {
    sections.push(report.applications.map((app) => `- Application ${link(code(app.name), app.uiUrl)}`).join('\n'))
  }
  const statuses = report.commitStatuses ?? []
  if (statuses.length > 0) {
    sections.push(
      [
        '| Commit status | State | Commit | Description |',
        '| --- | --- | --- | --- |',
        ...statuses.map(
          (status) =>
            `| ${status.targetUrl ? link(code(status.context), status.targetUrl) : code(status.context)} | ${cell(text(status.state))} | ${code(short(status.sha))} | ${cell(text(status.description ?? ''))} |`,
        ),
      ].join('\n'),
    )
  }
  if (report.timeline.length > 0) {
    const rows = report.timeline.slice(-MAX_TIMELINE_ROWS).map((entry) => {
      const { sync, revision, health, operation } = entry.snapshot
      return `| ${entry.at.slice(11, 19)} | ${cell(text(entry.application))} | ${cell(text(sync))} | ${revision ? code(short(revision)) : ''} | ${cell(text(health))} | ${cell(text(operation))} |`
    })
    sections.push(
      [
        '| Time (UTC) | Application | Sync | Revision | Health | Operation |',
        '| --- | --- | --- | --- | --- | --- |',
        ...rows,
      ].join('\n'),
    )
  }
  if (report.unhealthy.length > 0) {
    sections.push(`**Not healthy**\n\n${report.unhealthy.map((line) => `- ${text(line)}`).join('\n')}`)
  }
  if (report.smoke.length > 0) {
    sections.push(
      `**Smoke tests**\n\n${report.smoke
        .map(
          (result) =>
            `- ${result.ok ? '✅' : '❌'} ${code(result.url)}: ${text(result.last)} (${result.attempts} ${result.attempts === 1 ? 'try' : 'tries'})`,
        )
        .join('\n')}`,
    )
  }
  const revert = report.revert
  if (revert !== undefined) {
    const lines: string[] = []
    if (revert.commitSha !== undefined) {
      const sha = code(revert.commitSha.slice(0, 7))
      const through =
        revert.pullRequestUrl !== undefined ? ` through ${link('the revert pull request', revert.pullRequestUrl)}` : ''
      lines.push(`Reverted in ${revert.commitUrl ? link(sha, revert.commitUrl) : sha}${through}.`)
    } else {
      lines.push('Nothing was reverted.')
    }
    lines.push(...revert.restored.map((item) => `- restored ${text(item.description)}`))
    lines.push(...revert.leftAlone.map((item) => `- left alone ${text(item.description)}`))
    if (revert.verified === true)
      lines.push(argo ? 'Argo CD is Synced and Healthy at the revert.' : 'The revert is deployed.')
    if (revert.failure !== undefined) lines.push(`The revert did not deploy cleanly: ${text(revert.failure)}`)
    sections.push(`**Revert**\n\n${lines.join('\n')}`)
  }
  return sections.join('\n\n') + '\n'
}
