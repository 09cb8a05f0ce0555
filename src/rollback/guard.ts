// Never roll back by accident: a late run, or a re-run of an older workflow, would pin an image
// built from a commit older than the one already deployed. Before anything is pushed or written,
// for each image the GitOps commit that last changed its pin says (Argo CD's
// `Argocd-reference-commit-sha` / `-repourl` trailers) which source commit it deployed; the compare
// API of the workflow's repository says how this run's commit relates to it.
import * as core from '@actions/core'
import { createGitHubClient } from '../gitops/client.js'
import type { GitOpsRepository } from '../gitops/repository.js'
import { formatReference } from '../image/reference.js'
import { type PinSelector, checkManifests } from '../manifests/plan.js'
import type { Settings } from '../settings.js'
import type { ManifestTarget } from '../writeback/read.js'
import { errorMessage } from '../errors.js'
import { sourceSha } from '../provenance/source.js'
import { namesRepository, parseReferenceTrailers } from '../provenance/trailers.js'

/** How far back the commits that changed a file are searched for one with the trailers. */
const COMMITS_SEARCHED = 20

/** What is deployed for an image: the source commit, and the GitOps commit that says so. */
interface Deployed {
  readonly sourceSha: string
  readonly gitopsCommit: string
  readonly file: string
}

/** Throws before anything is written when this run would deploy a commit older than the deployed one. */
export async function checkRollback(
  settings: Settings,
  repository: GitOpsRepository,
  selectors: readonly PinSelector[],
  target: ManifestTarget,
): Promise<void> {
  const { run } = settings
  // The commit the reference trailers of this run's write will name (a pull request's head, not its merge preview).
  const ours = sourceSha(run) ?? ''
  if (!/^[0-9a-f]{40}$/.test(ours) || run.repository === '' || settings.sourceToken === '') {
    core.info('No GITHUB_SHA, repository or source-token: not checking whether this run would roll back.')
    return
  }
  const history = new Map<string, Promise<Commit[]>>()
  const commitsChanging = (file: string) => {
    if (!history.has(file))
      history.set(file, repository.commitsChanging(target.snapshot.commitSha, file, COMMITS_SEARCHED))
    return history.get(file)!
  }
  const source = createGitHubClient(settings.sourceToken, run.apiUrl)
  const [owner, repo] = run.repository.split('/') as [string, string]
  const refusals: string[] = []
  for (const [i, selector] of selectors.entries()) {
    const image = formatReference(settings.images[i]!)
    const files = checkManifests(target.files, selector)
      .filter((file) => file.sites.length + file.kustomize.length + file.patches.length + file.fields > 0)
      .map((file) => file.path)
    const deployed = await lastDeployed(files, commitsChanging, settings)
    if (deployed === undefined) {
      core.notice(
        `${image}: no commit that changed its pin in ${repository.fullName} names the source commit it deployed (Argocd-reference-commit-sha for ${run.repository}); not checking for a rollback.`,
      )
      continue
    }
    if (deployed.sourceSha === ours) {
      core.info(`${image}: ${ours} is already deployed (a re-run)`)
      continue
    }
    let status: string
    try {
      const { data } = await source.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
        owner,
        repo,
        basehead: `${deployed.sourceSha}...${ours}`,
        per_page: 1,
      })
      status = data.status
    } catch (error) {
      // 404: unrelated histories ("No common ancestor"), or a commit the repository does not have.
      core.notice(
        `${image}: ${ours} and the deployed ${deployed.sourceSha} have no history in common in ${run.repository} (${errorMessage(error)}); deploying without a rollback check.`,
      )
      continue
    }
    if (status === 'behind') {
      refusals.push(
        `${image}: this run's commit ${ours} is older than ${deployed.sourceSha}, which is deployed (Argocd-reference-commit-sha of ${repository.fullName}@${deployed.gitopsCommit}, the last change of ${deployed.file})`,
      )
    } else if (status === 'diverged') {
      core.notice(
        `${image}: ${ours} and the deployed ${deployed.sourceSha} are on different branches of ${run.repository}; deploying.`,
      )
    }
  }
  if (refusals.length === 0) return
  if (settings.allowRollback) {
    core.warning(`Rolling back on purpose (allow-rollback: true): ${refusals.join('; ')}.`)
    return
  }
  throw new Error(
    `Refusing to roll back: ${refusals.join('; ')}. Nothing was pushed or written. ` +
      'A late or re-run workflow of an older commit would overwrite a newer deploy; to deploy it on purpose, set `allow-rollback: true`.',
  )
}

interface Commit {
  readonly sha: string
  readonly message: string
  /** ISO committer date, to order commits of different files. */
  readonly date: string
}

/** The newest commit among those that changed `files` whose trailers name a source commit of this repository. */
async function lastDeployed(
  files: readonly string[],
  commitsChanging: (file: string) => Promise<Commit[]>,
  settings: Settings,
): Promise<Deployed | undefined> {
  let newest: (Deployed & { date: string }) | undefined
  for (const file of files) {
    for (const commit of await commitsChanging(file)) {
      const reference = parseReferenceTrailers(commit.message)
      if (reference.sha === undefined) continue
      if (
        reference.repoUrl !== undefined &&
        !namesRepository(reference.repoUrl, settings.run.serverUrl, settings.run.repository)
      )
        continue
      if (newest === undefined || commit.date > newest.date) {
        newest = { sourceSha: reference.sha, gitopsCommit: commit.sha, file, date: commit.date }
      }
      break
    }
  }
  return newest
}
