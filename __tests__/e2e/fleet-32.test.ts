// 32 push-mode runs into one GitOps repository at once, end to end through dist/index.js, with
// the GitHub stand-in answering after a random delay so that the runs really overlap. A file of
// its own so that jest runs it beside the other long cases. No timed assertions.
import { concurrentRunsFile } from './fleet-support.js'

concurrentRunsFile(32)
