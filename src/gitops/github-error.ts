// What went wrong in a GitHub API call, said so the user knows what to change. Messages carry
// GitHub's own message and the HTTP status, never request headers (the token lives there).
import { errorMessage } from '../errors.js'
import { statusOf } from '../net/retry.js'

/** A failed GitHub call with context; `status` lets callers tell conflicts from real failures. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly githubMessage: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'GitHubApiError'
  }
}

interface ErrorShape {
  status?: unknown
  message?: unknown
  request?: unknown
  response?: { data?: unknown }
}

/** GitHub's message: the `message` of the JSON body plus any validation errors, without the docs link. */
export function gitHubMessage(error: unknown): string {
  if (error instanceof GitHubApiError) return error.githubMessage
  const shape = error as ErrorShape | null
  if (shape?.request !== undefined && shape.response === undefined) return networkReason(error)
  const data = shape?.response?.data
  if (data !== null && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    const { message, errors } = data as { message: string; errors?: unknown }
    const details = Array.isArray(errors) ? errors.map(describeValidationError).filter(Boolean) : []
    return details.length > 0 ? `${message}: ${details.join('; ')}` : message
  }
  return errorMessage(error).replace(/ - https:\/\/docs\.github\.com\S*$/, '')
}

/**
 * Why no answer came: fetch wraps the socket error ("fetch failed" → ECONNREFUSED …) and Octokit
 * wraps that again, not always keeping the message, so the innermost cause says the most.
 */
export function networkReason(error: unknown): string {
  let reason = errorMessage(error)
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const { message, code } = current as { message?: unknown; code?: unknown }
    if (typeof message === 'string' && message && !/^(unknown error|fetch failed)$/i.test(message)) reason = message
    if (typeof code === 'string' && !reason.includes(code)) reason = `${reason} (${code})`
    current = (current as { cause?: unknown }).cause
  }
  return `network error: ${reason}`
}

function describeValidationError(item: unknown): string {
  if (typeof item === 'string') return item
  if (item === null || typeof item !== 'object') return ''
  const { message, resource, field, code } = item as Record<string, unknown>
  if (typeof message === 'string') return message
  return [resource, field, code].filter((part) => typeof part === 'string').join(' ')
}

/** "`what` in owner/repo: GitHub's message (HTTP 422)", keeping the original as `cause`. */
export function apiError(what: string, fullName: string, error: unknown, hint?: string): GitHubApiError {
  const status = statusOf(error)
  const message = gitHubMessage(error)
  const suffix = status === undefined ? '' : ` (HTTP ${status})`
  return new GitHubApiError(`${what} in ${fullName}: ${message}${suffix}${hint ? `. ${hint}` : ''}`, status, message, {
    cause: error,
  })
}

/** What to do when GitHub refuses a write: the usual cause is a token without write access. */
export function writeAccessHint(
  fullName: string,
  status: number | undefined,
  pullRequests: boolean,
  message = '',
): string | undefined {
  if (isProtectedBranchRefusal(message)) return PROTECTED_BRANCH_ADVICE
  if (status === 401) return 'GitHub rejected the token (expired or revoked); pass a valid token in the `token` input'
  if (status !== 403 && status !== 404) return undefined
  const permissions = pullRequests ? '`contents: write` and `pull-requests: write`' : '`contents: write`'
  return (
    `The token needs ${permissions} on ${fullName}. The default GITHUB_TOKEN only reaches the workflow's own repository; ` +
    'for another repository pass a GitHub App installation token or a fine-grained token in the `token` input'
  )
}

/** What to do about a base branch that refuses direct writes: a pull request the action merges. */
export const PROTECTED_BRANCH_ADVICE =
  'The branch is protected (branch protection or a ruleset) and takes changes only through pull requests; nothing was written. ' +
  'Deploy through a pull request that the action merges as soon as GitHub allows it, and verifies after the merge:\n' +
  '  with:\n    mode: pr\n    merge: squash'

/** GitHub's refusal of a direct write to a branch that branch protection or a ruleset guards. */
export function isProtectedBranchRefusal(message: string): boolean {
  return /protected branch|rule violations?|changes must be made through a pull request|required status checks? .*(is|are) expected/i.test(
    message,
  )
}

/** GitHub's answer when a non-forced ref update would drop commits that someone else pushed. */
export function isRefConflict(error: unknown): boolean {
  return statusOf(error) === 422 && /not a fast.?forward|reference cannot be updated/i.test(gitHubMessage(error))
}

export function isReferenceAlreadyExists(error: unknown): boolean {
  return statusOf(error) === 422 && /reference already exists/i.test(gitHubMessage(error))
}

export function isPullRequestAlreadyExists(error: unknown): boolean {
  return statusOf(error) === 422 && /a pull request already exists/i.test(gitHubMessage(error))
}
