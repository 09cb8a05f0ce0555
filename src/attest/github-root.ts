// GitHub's own Sigstore instance signs the attestations of private and internal repositories: no
// transparency log, a signed timestamp instead, and a trusted root published through GitHub's TUF
// repository, whose initial root ships with the GitHub CLI, not with @sigstore/tuf. So the action
// asks the CLI (on every GitHub-hosted runner): `gh attestation trusted-root` updates and verifies
// that TUF repository and prints GitHub's root and Sigstore's public-good one, as JSON Lines.
import * as exec from '@actions/exec'
import { errorMessage } from '../errors.js'
import { type TrustRoot, rootsFromText } from './trust.js'

const SOURCE = '`gh attestation trusted-root`'
const PIN_INSTEAD =
  'Or write the roots in an earlier step (`gh attestation trusted-root > trusted_root.jsonl`) and pass `attestation-trusted-root: trusted_root.jsonl`.'

export async function rootsFromGitHubCli(
  serverUrl: string,
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrustRoot[]> {
  const what =
    "The attestation has no transparency-log entry: GitHub's own Sigstore instance signed it (a private or internal repository), " +
    `and the action reads that instance's root with ${SOURCE}`
  let output: exec.ExecOutput
  try {
    output = await exec.getExecOutput('gh', ['attestation', 'trusted-root'], {
      env: { ...definedOnly(env), GH_TOKEN: token, GH_HOST: new URL(serverUrl).host },
      silent: true,
      ignoreReturnCode: true,
    })
  } catch (error) {
    const reason = /Unable to locate executable file/.test(errorMessage(error))
      ? 'gh is not on PATH'
      : errorMessage(error)
    throw new Error(
      `${what}, but the GitHub CLI could not be run (${reason}). Install gh on the runner. ${PIN_INSTEAD}`,
      {
        cause: error,
      },
    )
  }
  if (output.exitCode !== 0) {
    const reason = output.stderr.trim().split('\n').at(-1) || `exit code ${output.exitCode}`
    throw new Error(`${what}, which failed: ${reason}. ${PIN_INSTEAD}`)
  }
  return rootsFromText(
    output.stdout,
    SOURCE,
    (message) => new Error(`${what}, whose output is unusable: ${message}. ${PIN_INSTEAD}`),
  )
}

function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}
