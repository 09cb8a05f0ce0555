// Which source commit this run deploys, for the reference trailers: from the event payload the
// runner wrote (GITHUB_EVENT_PATH), else from the GitHub API with `source-token`. A field that
// neither says is left out; a failed read only costs the fields it would have given.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { GitHubClient } from '../gitops/client.js'
import { type SourceCommit, formatAuthor, splitMessage } from './trailers.js'

/** The parts of the workflow's context the source commit comes from (RunContext). */
export interface SourceContext {
  readonly serverUrl: string
  /** `owner/name` running the workflow; '' when unknown. */
  readonly repository: string
  /** GITHUB_SHA. */
  readonly sha: string
  readonly eventName: string
  /** The event's webhook payload (GITHUB_EVENT_PATH); {} when none. */
  readonly payload: object
}

interface PayloadCommit {
  readonly id?: unknown
  readonly message?: unknown
  readonly timestamp?: unknown
  readonly author?: { readonly name?: unknown; readonly email?: unknown }
}

interface Payload {
  readonly head_commit?: PayloadCommit | null
  readonly pull_request?: { readonly head?: { readonly sha?: unknown } }
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review'])

/**
 * The sha of the commit the workflow deploys, from the context alone (no request): the pull
 * request's head for pull request events, else GITHUB_SHA. What the trailers name and what the
 * rollback guard compares.
 */
export function sourceSha(context: Pick<SourceContext, 'sha' | 'eventName' | 'payload'>): string | undefined {
  const payload = context.payload as Payload
  const headSha = PULL_REQUEST_EVENTS.has(context.eventName) ? str(payload?.pull_request?.head?.sha) : undefined
  return headSha ?? (context.sha || undefined)
}

/**
 * The commit the workflow deploys: `head_commit` of a push, the pull request's head for pull
 * request events (GITHUB_SHA is then a temporary merge commit nobody can link to), else GITHUB_SHA
 * read through `client` (source-token). Never throws.
 */
export async function readSourceCommit(context: SourceContext, client?: () => GitHubClient): Promise<SourceCommit> {
  const repoUrl = context.repository === '' ? undefined : `${context.serverUrl}/${context.repository}`
  const payload = context.payload as Payload
  const isPullRequest = PULL_REQUEST_EVENTS.has(context.eventName)
  const sha = sourceSha(context)
  const base = { ...(repoUrl !== undefined && { repoUrl }), ...(sha !== undefined && { sha }) }
  if (sha === undefined) return base

  const head = payload?.head_commit
  if (!isPullRequest && head != null && str(head.id) === sha) return { ...base, ...describe(head) }

  if (client === undefined || context.repository === '') return base
  const [owner, repo] = context.repository.split('/') as [string, string]
  try {
    const { data } = await client().request('GET /repos/{owner}/{repo}/git/commits/{commit_sha}', {
      owner,
      repo,
      commit_sha: sha,
    })
    return {
      ...base,
      ...describe({ message: data.message, timestamp: data.author?.date, author: data.author ?? {} }),
    }
  } catch (error) {
    core.info(
      `Could not read commit ${sha.slice(0, 7)} of ${context.repository} (${errorMessage(error)}); ` +
        'the GitOps commit names it by repository and sha only. Give `source-token` `contents: read` there for the rest.',
    )
    return base
  }
}

function describe(commit: PayloadCommit): SourceCommit {
  const message = str(commit.message)
  const author = formatAuthor(str(commit.author?.name), str(commit.author?.email))
  const date = str(commit.timestamp)
  return {
    ...(author !== undefined && { author }),
    ...(message !== undefined && splitMessage(message)),
    ...(date !== undefined && !Number.isNaN(Date.parse(date)) && { date }),
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
