// The post step cleans up what the main step may have left behind, even when the main step
// failed or was cancelled half-way: the temporary Docker configuration on the runner, and a
// GitHub deployment still `in_progress` because the job ended before verification did.
import * as core from '@actions/core'
import { errorMessage } from './errors.js'

export async function cleanup(): Promise<void> {
  try {
    const { removeDockerConfig } = await import('./registry/docker.js')
    await removeDockerConfig()
  } catch (error) {
    core.warning(`Cleanup failed: ${errorMessage(error)}`)
  }
  await closeOpenDeployment()
}

async function closeOpenDeployment(): Promise<void> {
  const { OPEN_DEPLOYMENT_STATE, GitHubDeployment } = await import('./verify/github.js')
  const saved = core.getState(OPEN_DEPLOYMENT_STATE)
  if (saved === '') return
  try {
    const { maskSecret } = await import('./secrets.js')
    const { createGitHubClient } = await import('./gitops/client.js')
    const token = core.getInput('source-token').trim()
    maskSecret(token)
    const client = createGitHubClient(token, process.env.GITHUB_API_URL || 'https://api.github.com')
    const deployment = GitHubDeployment.reopen(client, saved)
    if (deployment === undefined) return
    await deployment.setState('error', 'the job was cancelled before verification finished')
    core.info(`GitHub deployment ${deployment.id} set to error: the job was cancelled before verification finished`)
  } catch (error) {
    core.warning(`Could not close the GitHub deployment left in progress: ${errorMessage(error)}`)
  }
}
