// The post step only cleans up what the main step may have left on the runner,
// even when the main step failed or was cancelled half-way.
import * as core from '@actions/core'
import { errorMessage } from './errors.js'

export async function cleanup(): Promise<void> {
  try {
    const { removeDockerConfig } = await import('./registry/docker.js')
    await removeDockerConfig()
  } catch (error) {
    core.warning(`Cleanup failed: ${errorMessage(error)}`)
  }
}
