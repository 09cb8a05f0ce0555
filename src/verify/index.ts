// Verification (Argo CD and/or commit statuses), as the phases of main.ts see it: `checkArgoCd`
// before anything is pushed; `Verifier.run` after the commit (GitHub deployment, wait, smoke tests,
// revert); `reportVerification` at the end (outputs, job summary, and the failure). `mode: verify`
// (revision.ts) drives the same Verifier for a commit that is already there. Plain data in and out.
import * as core from '@actions/core'
import { letFinish, settleOutput } from '../cancel.js'
import { errorMessage } from '../errors.js'
import { createGitHubClient } from '../gitops/client.js'
import type { GitOpsRepository } from '../gitops/repository.js'
import { pinnedReference } from '../image/reference.js'
import { type SourceCommit, withReferenceTrailers } from '../provenance/trailers.js'
import { type Clock, systemClock } from '../net/retry.js'
import { type RunContext, runUrl } from '../run-context.js'
import type { Settings } from '../settings.js'
import { ArgoCdClient } from './argocd.js'
import { waitForAll } from './all.js'
import { formatDuration } from '../util/duration.js'
import { GitHubDeployment } from './github.js'
import { type CheckedApplication, type GitOpsTarget, checkApplications } from './preflight.js'
import { type VerificationReport, verificationMarkdown } from './report.js'
import { appendJobSummary } from '../report/summary.js'
import { type Reverter, revertChange } from './revert.js'
import type { WrittenFile } from './revert-plan.js'
import type { VerifySettings } from './settings.js'
import { smokeFailure, smokeTests } from './smoke.js'
import { short } from './state.js'
import { type SeenStatus, waitForCommitStatuses } from './status-wait.js'
import { type TimelineEntry, type WaitResult, waitForDeploy } from './wait.js'

/** A revert waits at least this long for Argo CD, whatever is left of verify-timeout. */
const MIN_REVERT_WAIT_MS = 120_000

/** What the write-back did, as verification needs it. */
export interface DeployedChange {
  /** The GitOps commit to wait for: ours, or the head that already pinned the digest. */
  readonly revision: string
  /** True when this run made the commit (only then is there anything to revert). */
  readonly committed: boolean
  readonly base: string
  readonly written: readonly WrittenFile[]
  /** The pinned reference(s), one per line when the run deployed several images. */
  readonly pinnedImage: string
  readonly digest: string
  /** The source commit the deploy names; a revert commit names it too. */
  readonly source?: SourceCommit
}

/** Argo CD, once the pre-flight read its applications. */
export interface ArgoCdWait {
  readonly client: ArgoCdClient
  readonly applications: readonly CheckedApplication[]
}

/** Where a verification's GitHub deployment lives; `open` creates or finds it. */
export type OpenDeployment = (change: DeployedChange) => Promise<GitHubDeployment | undefined>

export interface VerificationResult extends VerificationReport {
  readonly health: string
  readonly syncedRevision?: string
  readonly revertedCommitSha?: string
  readonly deploymentId?: number
  /** Why the outcome is unknown (Argo CD could not be read after the commit): nothing is reverted then. */
  readonly unknown?: string
}

export class Verifier {
  constructor(
    private readonly settings: { readonly images?: Settings['images']; readonly run: RunContext },
    private readonly verify: VerifySettings,
    /** The run's GitOps repository (its client): compare and status calls, and the revert. */
    private readonly repository: GitOpsRepository,
    private readonly argo: ArgoCdWait | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  private get applications(): readonly CheckedApplication[] {
    return this.argo?.applications ?? []
  }

  /** The write-back's outcome as verification needs it. */
  change(
    outcome: {
      readonly base: string
      readonly commitSha?: string
      readonly change: { readonly plan: { readonly files: readonly WrittenFile[] } }
      readonly source?: SourceCommit
    },
    target: { readonly snapshot: { readonly commitSha: string } },
    digests: readonly string[],
  ): DeployedChange {
    return {
      revision: outcome.commitSha ?? target.snapshot.commitSha,
      committed: outcome.commitSha !== undefined,
      base: outcome.base,
      written: outcome.change.plan.files.filter((file) => file.before !== file.after),
      pinnedImage: (this.settings.images ?? []).map((image, i) => pinnedReference(image, digests[i]!)).join('\n'),
      digest: digests.join('\n'),
      ...(outcome.source !== undefined && { source: outcome.source }),
    }
  }

  /** Outputs and job summary; throws the failure after reporting it. */
  report(result: VerificationResult): Promise<void> {
    return reportVerification(result)
  }

  /**
   * After the commit: deployment, wait, smoke tests, and the revert when asked (one commit on the
   * base, or `reverter`: through a pull request). Never throws for a failed deploy. `openDeployment`
   * replaces the default (a new deployment for GITHUB_SHA).
   */
  async run(change: DeployedChange, openDeployment?: OpenDeployment, reverter?: Reverter): Promise<VerificationResult> {
    const { verify, clock } = this
    const started = clock.now()
    const deadline = started + verify.timeoutMs
    const timeline: TimelineEntry[] = []
    const statuses: SeenStatus[] = []

    const deployment = await (openDeployment ?? ((c) => this.startDeployment(c)))(change)
    if (deployment !== undefined) settleOutput('deployment-id', String(deployment.id))
    try {
      return await this.verifyDeployment(change, deployment, deadline, timeline, statuses, reverter)
    } catch (error) {
      // Whatever broke, the deployment does not stay in_progress and the failure says where it happened.
      const reason = errorMessage(error)
      await deployment?.setState('error', `Verification stopped: ${reason}`)
      throw new Error(
        `Verification could not finish after the commit ${short(change.revision)} (an unexpected error: ${reason}); nothing was reverted.`,
        { cause: error },
      )
    }
  }

  private async verifyDeployment(
    change: DeployedChange,
    deployment: GitHubDeployment | undefined,
    deadline: number,
    timeline: TimelineEntry[],
    statuses: SeenStatus[],
    reverter: Reverter | undefined,
  ): Promise<VerificationResult> {
    const { verify, clock } = this
    await deployment?.setState('in_progress', `Waiting for ${short(change.revision)} to be deployed`)
    const wait = await this.waitForDeploy(change.revision, change.base, verify.timeoutMs, timeline, statuses)
    let failure = wait.ok ? undefined : wait.failure
    const smoke = wait.ok ? await smokeTests(verify.smokeTestUrls, verify.smokeTestTimeoutMs, clock) : []
    const failedSmoke = smoke.find((result) => !result.ok)
    if (failedSmoke !== undefined) failure = smokeFailure(failedSmoke, verify.smokeTestTimeoutMs)

    let revert: VerificationReport['revert']
    let health = wait.health
    // Only a deploy Argo CD, a commit status or a smoke test reported failed is reverted; "cannot read" is not a failure.
    if (failure !== undefined && wait.unknown === undefined && verify.onFailure === 'revert') {
      const reverted = await this.revert(
        change,
        failure,
        timeline,
        Math.max(MIN_REVERT_WAIT_MS, deadline - clock.now()),
        reverter ?? ((base, written, message) => revertChange(this.repository, base, written, message)),
      )
      if (reverted.verified !== undefined) health = reverted.health
      revert = reverted
    }
    const verified = failure === undefined
    await deployment?.setState(
      verified ? 'success' : wait.unknown !== undefined ? 'error' : 'failure',
      verified
        ? `Deployed at ${short(change.revision)}`
        : wait.unknown !== undefined
          ? 'Could not read the deploy status after the commit'
          : 'Verification failed',
      ...(verified && verify.smokeTestUrls[0] !== undefined ? [verify.smokeTestUrls[0]] : []),
    )
    return {
      verified,
      revision: change.revision,
      ...(failure !== undefined && { failure }),
      applications: this.applications.map((app) => ({
        name: `${app.ref.namespace ? `${app.ref.namespace}/` : ''}${app.ref.name}`,
        uiUrl: app.uiUrl,
      })),
      timeline,
      commitStatuses: statuses,
      unhealthy: wait.unhealthy,
      smoke,
      ...(revert !== undefined && { revert }),
      health,
      ...(wait.syncedRevision !== undefined && { syncedRevision: wait.syncedRevision }),
      ...(revert?.commitSha !== undefined && { revertedCommitSha: revert.commitSha }),
      ...(deployment !== undefined && { deploymentId: deployment.id }),
      ...(wait.unknown !== undefined && { unknown: wait.unknown }),
    }
  }

  /** Argo CD and the commit statuses, side by side: both must pass, and the first failure ends both. */
  private waitForDeploy(
    revision: string,
    base: string,
    timeoutMs: number,
    timeline: TimelineEntry[],
    statuses: SeenStatus[],
  ): Promise<WaitResult> {
    const { argo, verify, repository } = this
    const contains = (older: string, newer: string) => repository.contains(older, newer)
    const waits: ((clock: Clock) => Promise<WaitResult>)[] = []
    if (argo !== undefined) {
      waits.push((clock) =>
        waitForDeploy({ client: argo.client, clock, timeline, contains }, argo.applications, revision, timeoutMs),
      )
    }
    if (verify.commitStatuses.length > 0) {
      waits.push(async (clock) => {
        const combinedStatus = (ref: string) => repository.combinedStatus(ref)
        const result = await waitForCommitStatuses(
          { combinedStatus, contains, clock },
          verify.commitStatuses,
          revision,
          base,
          timeoutMs,
        )
        statuses.splice(0, statuses.length, ...result.statuses)
        return result
      })
    }
    return waitForAll(waits, this.clock)
  }

  private async startDeployment(change: DeployedChange): Promise<GitHubDeployment | undefined> {
    const { settings, verify } = this
    if (verify.environment === undefined) return undefined
    const run = settings.run
    const deployment = await GitHubDeployment.create(createGitHubClient(verify.sourceToken, run.apiUrl), {
      repository: run.repository,
      sha: change.source?.sha ?? run.sha,
      environment: verify.environment,
      payload: { image: change.pinnedImage, digest: change.digest, gitops_commit: change.revision },
      description: `Deploy ${change.pinnedImage}`.slice(0, 140),
      logUrl: runUrl(run),
    })
    return deployment
  }

  private async revert(
    change: DeployedChange,
    failure: string,
    timeline: TimelineEntry[],
    timeoutMs: number,
    reverter: Reverter,
  ): Promise<NonNullable<VerificationReport['revert']> & { health: string }> {
    const { settings } = this
    if (!change.committed || change.written.length === 0) {
      core.warning(
        change.committed
          ? `on-failure: revert: ${short(change.revision)} changed no image pin, so there is nothing to revert.`
          : 'on-failure: revert: this run committed nothing, so there is nothing to revert.',
      )
      return { restored: [], leftAlone: [], health: 'Unknown' }
    }
    const { repository } = this
    const what = change.pinnedImage === '' ? `the image pins of ${short(change.revision)}` : change.pinnedImage
    const message = `Revert ${what}\n\nVerification failed: ${failure}\n\nThis reverts the image pins of commit ${change.revision}.`
    let outcome
    try {
      // A cancelled job lets the revert on its way land, and reports it.
      outcome = await letFinish(
        reverter(change.base, change.written, withReferenceTrailers(message.slice(0, 2000), change.source ?? {})).then(
          (reverted) => {
            if (reverted.commitSha !== undefined) settleOutput('reverted-commit-sha', reverted.commitSha)
            return reverted
          },
        ),
      )
    } catch (error) {
      return {
        restored: [],
        leftAlone: [],
        failure: `the revert failed: ${errorMessage(error)}`,
        health: 'Unknown',
      }
    }
    const { restored, leftAlone } = outcome.plan
    if (outcome.commitSha === undefined) return { restored, leftAlone, health: 'Unknown' }
    const commitUrl = `${settings.run.serverUrl}/${repository.fullName}/commit/${outcome.commitSha}`
    core.info(`Reverted in ${outcome.commitSha}; waiting up to ${formatDuration(timeoutMs)} for it to be deployed`)
    const wait: WaitResult = await this.waitForDeploy(outcome.commitSha, change.base, timeoutMs, timeline, [])
    return {
      commitSha: outcome.commitSha,
      commitUrl,
      ...(outcome.pullRequestUrl !== undefined && { pullRequestUrl: outcome.pullRequestUrl }),
      restored,
      leftAlone,
      verified: wait.ok,
      ...(wait.failure !== undefined && { failure: wait.failure }),
      health: wait.health,
    }
  }
}

/** Before anything is pushed: reads each application once and checks where it deploys from. */
export async function checkArgoCd(
  settings: Settings,
  target: { readonly base: string; readonly files: readonly { readonly path: string }[] },
  repository: GitOpsRepository,
): Promise<Verifier | undefined> {
  const verify = settings.verify
  if (verify === undefined) return undefined
  const argo = await checkArgoCdApplications(verify, {
    repository: repository.fullName,
    base: target.base,
    baseIsDefault: settings.base === undefined,
    serverUrl: settings.run.serverUrl,
    files: target.files.map((file) => file.path),
  })
  if (settings.dryRun && argo !== undefined)
    core.info('Dry run: Argo CD is reachable and deploys the GitOps branch; nothing will be waited for.')
  return new Verifier(settings, verify, repository, argo)
}

/** The pre-flight read of the Argo CD applications, when `argocd-server` is set. */
export async function checkArgoCdApplications(
  verify: VerifySettings,
  target: GitOpsTarget,
): Promise<ArgoCdWait | undefined> {
  if (verify.argocd === undefined) return undefined
  const client = new ArgoCdClient(verify.argocd.server, verify.argocd.auth)
  return { client, applications: await checkApplications(client, verify.argocd, target) }
}

/** Step outputs and the job summary section; throws the failure last, so everything is reported first. */
async function reportVerification(result: VerificationResult): Promise<void> {
  const outputs: Record<string, string> = {
    verified: String(result.verified),
    'synced-revision': result.verified ? (result.syncedRevision ?? '') : '',
    health: result.health,
    'reverted-commit-sha': result.revertedCommitSha ?? '',
    'deployment-id': result.deploymentId === undefined ? '' : String(result.deploymentId),
  }
  for (const [name, value] of Object.entries(outputs)) {
    core.setOutput(name, value)
    core.info(`${name}: ${value}`)
  }
  await appendJobSummary(verificationMarkdown(result))
  if (!result.verified) throw new Error(failureMessage(result))
}

function failureMessage(result: VerificationResult): string {
  const revert = result.revert
  if (result.unknown !== undefined)
    return `Verification failed: ${result.failure ?? result.unknown}; nothing was reverted.`
  if (revert === undefined) return `Verification failed: ${result.failure ?? 'unknown reason'}`
  const did =
    revert.commitSha === undefined
      ? revert.failure !== undefined
        ? `The revert failed: ${revert.failure}`
        : `Nothing was reverted${revert.leftAlone.length > 0 ? ` (changed since: ${revert.leftAlone.map((item) => item.description).join('; ')})` : ''}.`
      : `Reverted in ${revert.commitSha}${revert.pullRequestUrl !== undefined ? ` (revert pull request ${revert.pullRequestUrl})` : ''}` +
        (revert.leftAlone.length > 0
          ? `; left alone: ${revert.leftAlone.map((item) => item.description).join('; ')}`
          : '') +
        (revert.verified
          ? result.applications.length > 0
            ? '; Argo CD is Synced and Healthy at the revert.'
            : '; the revert is deployed.'
          : `; the revert did not deploy cleanly: ${revert.failure ?? ''}`)
  return `Verification failed: ${result.failure ?? 'unknown reason'}. ${did}`
}
