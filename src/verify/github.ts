// The GitHub deployment, with statuses, that verification keeps in the repository running the
// workflow. (Whether a later GitOps commit contains ours is GitOpsRepository.contains.)
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { GitHubClient } from '../gitops/client.js'

export interface DeploymentRequest {
  /** `owner/name` of the repository running the workflow. */
  readonly repository: string
  readonly sha: string
  readonly environment: string
  readonly payload: Record<string, string>
  readonly description: string
}

/** Saved state: the deployment the post step must close, empty once it has its last status. */
export const OPEN_DEPLOYMENT_STATE = 'open-deployment'

export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error'

/** A GitHub deployment whose status follows the verification; failures only warn. */
export class GitHubDeployment {
  private constructor(
    private readonly client: GitHubClient,
    private readonly owner: string,
    private readonly repo: string,
    readonly id: number,
    private readonly logUrl: string,
  ) {}

  static async create(
    client: GitHubClient,
    request: DeploymentRequest,
    logUrl: string,
  ): Promise<GitHubDeployment | undefined> {
    const [owner, repo] = request.repository.split('/') as [string, string]
    try {
      const { data } = await client.request('POST /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        ref: request.sha,
        environment: request.environment,
        payload: request.payload,
        description: request.description,
        auto_merge: false,
        required_contexts: [],
      })
      if (!('id' in data))
        throw new Error(`GitHub answered without a deployment: ${JSON.stringify(data).slice(0, 200)}`)
      core.info(
        `Created GitHub deployment ${data.id} for environment "${request.environment}" in ${request.repository}`,
      )
      const deployment = new GitHubDeployment(client, owner, repo, Number(data.id), logUrl)
      // Until its last status, the post step closes it should the job end first (cancelled, killed).
      core.saveState(
        OPEN_DEPLOYMENT_STATE,
        JSON.stringify({ repository: request.repository, id: deployment.id, logUrl }),
      )
      return deployment
    } catch (error) {
      core.warning(
        `Could not create a GitHub deployment for environment "${request.environment}" in ${request.repository}: ${errorMessage(error)}. ` +
          'Give the job `permissions: deployments: write` (or pass a token that has it in `source-token`).',
      )
      return undefined
    }
  }

  /**
   * The newest deployment of `sha` to `environment` (the one a deploy run queued for a pull request),
   * or a new one: a verification that comes later continues it instead of adding a second.
   */
  static async continueOrCreate(
    client: GitHubClient,
    request: DeploymentRequest,
    logUrl: string,
  ): Promise<GitHubDeployment | undefined> {
    const [owner, repo] = request.repository.split('/') as [string, string]
    try {
      const { data } = await client.request('GET /repos/{owner}/{repo}/deployments', {
        owner,
        repo,
        sha: request.sha,
        environment: request.environment,
        per_page: 1,
      })
      const found = data[0]
      if (found !== undefined) {
        core.info(
          `Continuing GitHub deployment ${found.id} of ${request.sha.slice(0, 7)} to "${request.environment}" in ${request.repository}`,
        )
        const deployment = new GitHubDeployment(client, owner, repo, Number(found.id), logUrl)
        core.saveState(
          OPEN_DEPLOYMENT_STATE,
          JSON.stringify({ repository: request.repository, id: deployment.id, logUrl }),
        )
        return deployment
      }
    } catch (error) {
      core.warning(
        `Could not list the GitHub deployments of ${request.repository}: ${errorMessage(error)}. ` +
          'Pass a token that reaches that repository with `deployments: write` in `source-token`.',
      )
      return undefined
    }
    return GitHubDeployment.create(client, request, logUrl)
  }

  /** A deployment the main step left open, from the state it saved (see `create`). */
  static reopen(client: GitHubClient, saved: string): GitHubDeployment | undefined {
    let parsed: { repository?: unknown; id?: unknown; logUrl?: unknown }
    try {
      parsed = JSON.parse(saved) as typeof parsed
    } catch {
      return undefined
    }
    const { repository, id, logUrl } = parsed
    if (typeof repository !== 'string' || typeof id !== 'number' || typeof logUrl !== 'string') return undefined
    const [owner, repo] = repository.split('/') as [string, string]
    return new GitHubDeployment(client, owner, repo, id, logUrl)
  }

  async setState(state: DeploymentState, description: string, environmentUrl?: string, logUrl?: string): Promise<void> {
    // A queued deployment waits for a later verify run, not for this job's post step.
    if (state !== 'in_progress') core.saveState(OPEN_DEPLOYMENT_STATE, '')
    try {
      await this.client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner: this.owner,
        repo: this.repo,
        deployment_id: this.id,
        state,
        description: description.slice(0, 140),
        ...((logUrl ?? this.logUrl) !== '' && { log_url: logUrl ?? this.logUrl }),
        ...(environmentUrl !== undefined && { environment_url: environmentUrl }),
      })
    } catch (error) {
      core.warning(`Could not set GitHub deployment ${this.id} to ${state}: ${errorMessage(error)}`)
    }
  }
}
