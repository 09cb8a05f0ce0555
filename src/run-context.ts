// Where the workflow runs (repository, commit, run, event, URLs), from the toolkit's context
// (@actions/github), read once the inputs are known to be good.
import type { context as runnerContext } from '@actions/github'

/** The runner's view of the workflow run: @actions/github's `context` (a parameter so tests can pass their own). */
export type GitHubContext = typeof runnerContext

/** Where the workflow runs, for links back to it, from the toolkit's context. */
export interface RunContext {
  readonly apiUrl: string
  readonly serverUrl: string
  readonly graphqlUrl: string
  /** `owner/name` of the workflow's repository; '' outside a runner. */
  readonly repository: string
  readonly sha: string
  /** '' outside a runner. */
  readonly runId: string
  readonly workspace: string
  readonly eventName: string
  /** The webhook payload of the event that started the run (GITHUB_EVENT_PATH); {} when none. */
  readonly payload: GitHubContext['payload']
}

/** The workflow run's page, for links back to it; '' outside a runner. */
export function runUrl(run: Pick<RunContext, 'serverUrl' | 'repository' | 'runId'>): string {
  return run.runId === '' ? '' : `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
}

/** The toolkit's context; its module also builds Octokit, so it loads only when needed. */
export async function loadRunnerContext(): Promise<GitHubContext> {
  return (await import('@actions/github')).context
}

/** GITHUB_WORKSPACE, which the toolkit's context does not carry; the working directory outside a runner. */
export function workspaceOf(env: NodeJS.ProcessEnv): string {
  return env.GITHUB_WORKSPACE || process.cwd()
}

export function runContext(github: GitHubContext, env: NodeJS.ProcessEnv): RunContext {
  return {
    apiUrl: github.apiUrl.replace(/\/+$/, ''),
    serverUrl: github.serverUrl.replace(/\/+$/, ''),
    graphqlUrl: github.graphqlUrl,
    repository: repositoryOf(github),
    sha: github.sha ?? '',
    runId: Number.isSafeInteger(github.runId) ? String(github.runId) : '',
    workspace: workspaceOf(env),
    eventName: github.eventName ?? '',
    payload: github.payload,
  }
}

/** `context.repo` throws without GITHUB_REPOSITORY (a run outside Actions): no repository then. */
function repositoryOf(github: GitHubContext): string {
  try {
    const { owner, repo } = github.repo
    return `${owner}/${repo}`
  } catch {
    return ''
  }
}
