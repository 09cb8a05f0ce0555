// The runner starts this file twice: as the main step and, because action.yml declares
// `post:`, again after the job's other steps. State saved by the first run tells them apart.
import * as core from '@actions/core'

if (core.getState('isPost') === 'true') {
  const { cleanup } = await import('./post.js')
  await cleanup()
} else {
  core.saveState('isPost', 'true')
  const { run } = await import('./main.js')
  await run()
}
