// `mode: verify`: a GitOps commit that is already there (a merged deploy pull request, a push by
// another workflow or by hand) is waited for like a deploy of this run: Argo CD and/or commit
// statuses, smoke tests, the revert of its image pins, and the GitHub deployment of the source
// commit its trailers name. Nothing is written unless a revert is asked for.
import * as core from '@actions/core'
import { type GitHubClient, createGitHubClient } from '../gitops/client.js'
import { MergeApi } from '../gitops/merge-api.js'
import { GitOpsRepository } from '../gitops/repository.js'
import { type SourceCommit, namesSource, parseReferenceTrailers } from '../provenance/trailers.js'
import type { MergeSettings } from '../settings.js'
import type { VerifyModeSettings } from './mode-settings.js'
import { checkMergeMethod, revertThroughPullRequest } from '../writeback/merge.js'
import { GitHubDeployment } from './github.js'
import { type DeployedChange, Verifier, checkArgoCdApplications } from './index.js'
import type { WrittenFile } from './revert-plan.js'
import type { Reverter } from './revert.js'
import { pinnedChange } from './revision-pins.js'
import { short } from './state.js'
import { runUrl } from '../run-context.js'

interface EventPayload {
  readonly ref?: unknown
  readonly action?: unknown
  readonly pull_request?: {
    readonly number?: unknown
    readonly merged?: unknown
    readonly merge_commit_sha?: unknown
    readonly base?: { readonly ref?: unknown }
  }
}

/** The commit to verify and what it deploys. */
interface Revision {
  readonly sha: string
  readonly base: string
  readonly written: readonly WrittenFile[]
  readonly source: SourceCommit
}

export async function verifyRevision(settings: VerifyModeSettings): Promise<void> {
  const { run, verify } = settings
  const client = createGitHubClient(settings.token, run.apiUrl)
  const repository = new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo)
  const revision = await core.group('Find the GitOps commit', () => findRevision(settings, repository))
  if (revision === undefined) return
  const reverter = settings.merge && (await revertsThroughPullRequests(settings.merge, repository, client, revision))
  const argo = await core.group('Check Argo CD', () =>
    checkArgoCdApplications(verify, {
      repository: repository.fullName,
      base: revision.base,
      baseIsDefault: settings.base === undefined,
      serverUrl: run.serverUrl,
      files: revision.written.map((file) => file.path),
    }),
  )
  const verifier = new Verifier({ run }, verify, repository, argo)
  const change: DeployedChange = {
    revision: revision.sha,
    // Only its image pins are ever reverted, and only while they still hold what it wrote.
    committed: true,
    base: revision.base,
    written: revision.written,
    pinnedImage: '',
    digest: '',
    source: revision.source,
  }
  const result = await core.group('Verify the deployment', () =>
    verifier.run(change, () => continueDeployment(settings, revision), reverter),
  )
  core.setOutput('changed', 'false')
  await verifier.report(result)
}

async function findRevision(settings: VerifyModeSettings, repository: GitOpsRepository): Promise<Revision | undefined> {
  const { run } = settings
  const event = run.payload as EventPayload
  const inGitOps = run.repository.toLowerCase() === repository.fullName.toLowerCase()
  const pull = run.eventName.startsWith('pull_request') ? event.pull_request : undefined
  const base =
    settings.base ??
    (inGitOps ? (text(pull?.base?.ref) ?? text(event.ref)?.replace(/^refs\/heads\//, '')) : undefined) ??
    (await repository.defaultBranch())

  let sha = settings.revision
  if (sha === undefined && inGitOps && pull !== undefined && event.action === 'closed') {
    if (pull.merged !== true) {
      core.notice(`Pull request #${String(pull.number)} was closed without merging: nothing to verify.`)
      return undefined
    }
    sha = text(pull.merge_commit_sha)
  }
  if (sha === undefined && inGitOps && pull === undefined && run.sha !== '') sha = run.sha
  sha ??= (await repository.snapshot(base)).commitSha

  const commit = await repository.readCommit(sha)
  core.info(`Verifying ${commit.sha} of ${repository.fullName} (${base}): ${commit.message.split('\n', 1)[0]}`)
  const source = await sourceOf(repository, commit)
  const parent = commit.parents[0]
  const written = parent === undefined ? [] : await pinsOf(repository, base, parent, commit.sha)
  if (written.length === 0) core.info(`${short(commit.sha)} changed no image pin: a revert would have nothing to undo.`)
  return { sha: commit.sha, base, written, source }
}

/** The trailers of the commit, or of the branch a merge commit merged (GitHub's merge message has none). */
async function sourceOf(
  repository: GitOpsRepository,
  commit: { message: string; parents: readonly string[] },
): Promise<SourceCommit> {
  const own = parseReferenceTrailers(commit.message)
  if (namesSource(own) || commit.parents.length < 2) return own
  const merged = await repository.readCommit(commit.parents[1]!)
  return parseReferenceTrailers(merged.message)
}

async function pinsOf(repository: GitOpsRepository, base: string, parent: string, sha: string): Promise<WrittenFile[]> {
  const files = (await repository.changedFiles(parent, sha)).filter(
    (file) => file.status === 'modified' && /\.ya?ml$/i.test(file.path),
  )
  if (files.length === 0) return []
  const paths = files.map((file) => file.path)
  const at = (commitSha: string) => repository.readFiles({ branch: base, commitSha, treeSha: '' }, paths)
  const [before, after] = await Promise.all([at(parent), at(sha)])
  return paths.flatMap((path, i) => pinnedChange(path, before[i]!.content, after[i]!.content) ?? [])
}

/** The deployment the deploy run created (queued) for the source commit, continued; or a new one. */
async function continueDeployment(
  settings: VerifyModeSettings,
  revision: Revision,
): Promise<GitHubDeployment | undefined> {
  const { verify, run } = settings
  if (verify.environment === undefined) return undefined
  const source = revision.source
  const repository = namesSource(source) ? repositoryOf(source.repoUrl, run.serverUrl) : undefined
  if (!namesSource(source) || repository === undefined) {
    core.notice(
      `${short(revision.sha)} names no source commit on ${run.serverUrl} (no Argocd-reference-commit trailers): ` +
        `verified all the same, without a GitHub deployment for "${verify.environment}".`,
    )
    return undefined
  }
  return GitHubDeployment.continueOrCreate(createGitHubClient(verify.sourceToken, run.apiUrl), {
    repository,
    sha: source.sha,
    environment: verify.environment,
    payload: { gitops_commit: revision.sha },
    description: `Deploy ${short(revision.sha)} of ${settings.gitops.owner}/${settings.gitops.repo}`,
    logUrl: runUrl(run),
  })
}

/** `owner/name` of a repository URL on this GitHub, else undefined. */
function repositoryOf(repoUrl: string, serverUrl: string): string | undefined {
  const prefix = `${serverUrl.replace(/\/+$/, '')}/`
  if (!repoUrl.toLowerCase().startsWith(prefix.toLowerCase())) return undefined
  const rest = repoUrl
    .slice(prefix.length)
    .replace(/\.git$/, '')
    .replace(/\/+$/, '')
  return /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(rest) ? rest : undefined
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * With `merge`: a revert becomes a pull request on `revert/SHORT-SHA`, merged that way (a protected
 * base refuses direct writes); the method is checked against the repository's settings first.
 */
async function revertsThroughPullRequests(
  merge: MergeSettings,
  repository: GitOpsRepository,
  client: GitHubClient,
  revision: Revision,
): Promise<Reverter> {
  const merges = new MergeApi(client, repository.owner, repository.repo)
  const merging = await core.group('Check the merge settings', () => checkMergeMethod(merges, revision.base, merge))
  const branch = `revert/${short(revision.sha)}`
  return (base, files, message) =>
    revertThroughPullRequest({ repository, merges }, branch, merging, base, files, message)
}
