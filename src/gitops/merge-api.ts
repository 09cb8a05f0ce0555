// The GitHub calls that get a pull request merged, one call each: the repository's merge settings,
// the pull request's state (REST, the cheap poll), its head's status contexts (GraphQL, only when
// something blocks), auto-merge, a direct merge guarded by the head sha, and the merge queue.
import type { GitHubClient } from './client.js'
import { statusOf } from '../net/retry.js'
import { apiError, gitHubMessage, writeAccessHint } from './github-error.js'

export type MergeMethod = 'merge' | 'squash' | 'rebase'

/** The commit a merge writes: what GitHub takes as commit title and message (not used by rebase). */
export interface MergeCommitMessage {
  readonly headline: string
  readonly body: string
}

export interface RepositoryMergeSettings {
  readonly autoMergeAllowed: boolean
  readonly allowed: Readonly<Record<MergeMethod, boolean>>
  /** The base branch requires a merge queue. */
  readonly mergeQueue: boolean
}

/** A pull request as one poll sees it. */
export interface PullStatus {
  readonly number: number
  readonly nodeId: string
  readonly url: string
  readonly state: 'open' | 'closed'
  readonly merged: boolean
  readonly mergeCommitSha?: string
  readonly mergedBy?: string
  readonly headSha: string
  readonly title: string
  /** null while GitHub computes it. */
  readonly mergeable: boolean | null
  /** clean, unstable, blocked, behind, dirty, draft, unknown, has_hooks */
  readonly mergeableState: string
  /** The armed auto-merge's method; undefined when not armed. */
  readonly autoMerge?: string
}

/** One status or check run on the head commit. */
export interface HeadCheck {
  readonly name: string
  /** SUCCESS, FAILURE, ERROR, PENDING, EXPECTED; for check runs the conclusion or status. */
  readonly state: string
  readonly description?: string
  readonly url?: string
  readonly required: boolean
}

export interface HeadChecks {
  readonly checks: readonly HeadCheck[]
  /** APPROVED, REVIEW_REQUIRED, CHANGES_REQUESTED; undefined when reviews are not required. */
  readonly reviewDecision?: string
}

/** GitHub's answer to a merge-related write that it refused (405/409/422 or a GraphQL error). */
export interface Refusal {
  readonly refused: string
  readonly status?: number
}

const METHOD_ENUM: Record<MergeMethod, string> = { merge: 'MERGE', squash: 'SQUASH', rebase: 'REBASE' }

const SETTINGS_QUERY = `query ($owner: String!, $name: String!, $base: String) {
  repository(owner: $owner, name: $name) {
    autoMergeAllowed mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    mergeQueue(branch: $base) { id }
  }
}`

const PUSH_RULE_QUERY = `query ($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) { refUpdateRule { viewerCanPush } }
  }
}`

const CHECKS_QUERY = `query ($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewDecision
      commits(last: 1) { nodes { commit { statusCheckRollup { contexts(first: 100) { nodes {
        __typename
        ... on StatusContext { context state description targetUrl isRequired(pullRequestNumber: $number) }
        ... on CheckRun { name status conclusion detailsUrl isRequired(pullRequestNumber: $number) }
      } } } } } }
    }
  }
}`

const ENABLE_AUTO_MERGE = `mutation ($input: EnablePullRequestAutoMergeInput!) {
  enablePullRequestAutoMerge(input: $input) { pullRequest { autoMergeRequest { enabledAt } } }
}`

const ENQUEUE = `mutation ($input: EnqueuePullRequestInput!) {
  enqueuePullRequest(input: $input) { mergeQueueEntry { position } }
}`

interface ChecksAnswer {
  repository: {
    pullRequest: {
      reviewDecision: string | null
      commits: {
        nodes: {
          commit: {
            statusCheckRollup: { contexts: { nodes: Record<string, unknown>[] } } | null
          }
        }[]
      }
    } | null
  }
}

export class MergeApi {
  constructor(
    private readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
  ) {}

  get fullName(): string {
    return `${this.owner}/${this.repo}`
  }

  async readSettings(base: string): Promise<RepositoryMergeSettings> {
    type Answer = {
      repository: {
        autoMergeAllowed: boolean
        mergeCommitAllowed: boolean
        squashMergeAllowed: boolean
        rebaseMergeAllowed: boolean
        mergeQueue: { id: string } | null
      }
    }
    try {
      const { repository } = await this.client.graphql<Answer>(SETTINGS_QUERY, {
        owner: this.owner,
        name: this.repo,
        base,
      })
      return {
        autoMergeAllowed: repository.autoMergeAllowed,
        allowed: {
          merge: repository.mergeCommitAllowed,
          squash: repository.squashMergeAllowed,
          rebase: repository.rebaseMergeAllowed,
        },
        mergeQueue: repository.mergeQueue !== null,
      }
    } catch (error) {
      throw apiError('Could not read the merge settings', this.fullName, error)
    }
  }

  /** Whether the token may push to `branch` directly (GraphQL `Ref.refUpdateRule`, readable without admin rights). */
  async canPush(branch: string): Promise<boolean> {
    type Answer = { repository: { ref: { refUpdateRule: { viewerCanPush: boolean } | null } | null } }
    try {
      const { repository } = await this.client.graphql<Answer>(PUSH_RULE_QUERY, {
        owner: this.owner,
        name: this.repo,
        ref: `refs/heads/${branch}`,
      })
      return repository.ref?.refUpdateRule?.viewerCanPush ?? true
    } catch (error) {
      throw apiError(`Could not read the protection of ${branch}`, this.fullName, error)
    }
  }

  async pull(number: number): Promise<PullStatus> {
    try {
      const { data } = await this.client.rest.pulls.get({ owner: this.owner, repo: this.repo, pull_number: number })
      return {
        number: data.number,
        nodeId: data.node_id,
        url: data.html_url,
        state: data.state === 'closed' ? 'closed' : 'open',
        merged: data.merged,
        ...(data.merge_commit_sha && { mergeCommitSha: data.merge_commit_sha }),
        ...(data.merged_by?.login !== undefined && { mergedBy: data.merged_by.login }),
        headSha: data.head.sha,
        title: data.title,
        mergeable: data.mergeable,
        mergeableState: data.mergeable_state,
        ...(data.auto_merge && { autoMerge: data.auto_merge.merge_method }),
      }
    } catch (error) {
      throw apiError(`Could not read pull request #${number}`, this.fullName, error)
    }
  }

  /** Who closed the pull request, as its issue says (undefined when GitHub does not say). */
  async closedBy(number: number): Promise<string | undefined> {
    try {
      const { data } = await this.client.rest.issues.get({ owner: this.owner, repo: this.repo, issue_number: number })
      return data.closed_by?.login
    } catch {
      return undefined
    }
  }

  async headChecks(number: number): Promise<HeadChecks> {
    try {
      const answer = await this.client.graphql<ChecksAnswer>(CHECKS_QUERY, {
        owner: this.owner,
        name: this.repo,
        number,
      })
      const pull = answer.repository.pullRequest
      const nodes = pull?.commits.nodes[0]?.commit.statusCheckRollup?.contexts.nodes ?? []
      return {
        checks: nodes.map(toHeadCheck),
        ...(pull?.reviewDecision ? { reviewDecision: pull.reviewDecision } : {}),
      }
    } catch (error) {
      throw apiError(`Could not read the checks of pull request #${number}`, this.fullName, error)
    }
  }

  /** Arms auto-merge; a refusal (e.g. "is in clean status", "not allowed") is returned, not thrown. */
  async enableAutoMerge(
    nodeId: string,
    head: string,
    method: MergeMethod,
    message: MergeCommitMessage,
  ): Promise<'armed' | Refusal> {
    const input = {
      pullRequestId: nodeId,
      expectedHeadOid: head,
      mergeMethod: METHOD_ENUM[method],
      ...(method !== 'rebase' && { commitHeadline: message.headline, commitBody: message.body }),
    }
    try {
      await this.client.graphql(ENABLE_AUTO_MERGE, { input })
      return 'armed'
    } catch (error) {
      return this.refusal('Could not enable auto-merge', error)
    }
  }

  /** A direct merge, guarded by `head` (GitHub answers 409 when the head moved). */
  async merge(
    number: number,
    head: string,
    method: MergeMethod,
    message: MergeCommitMessage,
  ): Promise<{ sha: string } | Refusal> {
    try {
      const { data } = await this.client.rest.pulls.merge({
        owner: this.owner,
        repo: this.repo,
        pull_number: number,
        sha: head,
        merge_method: method,
        ...(method !== 'rebase' && { commit_title: message.headline, commit_message: message.body }),
      })
      return { sha: data.sha }
    } catch (error) {
      return this.refusal(`Could not merge pull request #${number}`, error)
    }
  }

  async enqueue(nodeId: string, head: string): Promise<'queued' | Refusal> {
    try {
      await this.client.graphql(ENQUEUE, { input: { pullRequestId: nodeId, expectedHeadOid: head } })
      return 'queued'
    } catch (error) {
      return this.refusal('Could not add the pull request to the merge queue', error)
    }
  }

  /** GitHub refused (an answer with a message): returned; no answer or auth failures: thrown. */
  private refusal(what: string, error: unknown): Refusal {
    const status = statusOf(error)
    const graphqlErrors = (error as { errors?: { message?: string }[] } | null)?.errors
    if (Array.isArray(graphqlErrors) && graphqlErrors.length > 0) {
      return { refused: graphqlErrors.map((e) => e.message ?? '').join('; ') }
    }
    if (status === 405 || status === 409 || status === 422) return { refused: gitHubMessage(error), status }
    throw apiError(what, this.fullName, error, writeAccessHint(this.fullName, status, true, gitHubMessage(error)))
  }
}

function toHeadCheck(node: Record<string, unknown>): HeadCheck {
  const string = (key: string) =>
    typeof node[key] === 'string' && node[key] !== '' ? (node[key] as string) : undefined
  const required = node.isRequired === true
  if (node.__typename === 'CheckRun') {
    const url = string('detailsUrl')
    return {
      name: string('name') ?? 'check run',
      state: string('conclusion') ?? string('status') ?? 'PENDING',
      ...(url !== undefined && { url }),
      required,
    }
  }
  const description = string('description')
  const url = string('targetUrl')
  return {
    name: string('context') ?? 'status',
    state: string('state') ?? 'PENDING',
    ...(description !== undefined && { description }),
    ...(url !== undefined && { url }),
    required,
  }
}
