// The runner starts this file twice: as the main step and, because action.yml declares
// `post:`, again after the job's other steps. State saved by the first run tells them apart.
import * as core from '@actions/core'
import { guardOutput } from './log-guard.js'
import { scrubCredentials } from './secrets.js'

// Before anything prints: server text in the log never becomes a workflow command.
guardOutput(scrubCredentials)

if (core.getState('isPost') === 'true') {
  const { cleanup } = await import('./post.js')
  await cleanup()
} else {
  core.saveState('isPost', 'true')
  const { run } = await import('./main.js')
  await run()
}
