// @actions/github's `context` as a runner with these GITHUB_* variables would build it: the
// toolkit's own Context class, constructed while the variables are set, for unit tests that call
// readSettings without starting a process.
import { context } from '@actions/github'
import type { GitHubContext } from '../src/run-context.js'

export function githubContext(env: Readonly<Record<string, string | undefined>>): GitHubContext {
  const saved = { ...process.env }
  for (const key of Object.keys(process.env)) if (key.startsWith('GITHUB_')) delete process.env[key]
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('GITHUB_') && value !== undefined) process.env[key] = value
  try {
    const Context = context.constructor as new () => GitHubContext
    const built = new Context()
    let repo: GitHubContext['repo'] | undefined
    try {
      repo = built.repo
    } catch {
      repo = undefined
    }
    // `repo` reads process.env when asked: keep what it says now, while the variables are set.
    return Object.defineProperty(built, 'repo', {
      get: () => {
        if (repo === undefined)
          throw new Error("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'")
        return repo
      },
    })
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
}
