// The attestations GitHub holds for one digest in one repository
// (GET /repos/{owner}/{repo}/attestations/{subject_digest}), every page of them.
import { createGitHubClient } from '../gitops/client.js'
import { gitHubMessage } from '../gitops/github-error.js'
import { statusOf } from '../net/retry.js'

export interface StoredAttestation {
  /** The Sigstore bundle as GitHub serves it (JSON), or undefined when only a URL was given. */
  readonly bundle?: unknown
  readonly bundleUrl?: string
}

const PAGE_SIZE = 100
// Ten pages is a thousand attestations of one digest: far past any real build's, and a bound on a
// misbehaving server.
const MAX_PAGES = 10

export class AttestationFetchError extends Error {
  override name = 'AttestationFetchError'
}

export async function listAttestations(
  apiUrl: string,
  token: string,
  repository: string,
  digest: string,
): Promise<StoredAttestation[]> {
  const client = createGitHubClient(token, apiUrl)
  const [owner, repo] = repository.split('/') as [string, string]
  const found: StoredAttestation[] = []
  let after: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    let response
    try {
      response = await client.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
        owner,
        repo,
        subject_digest: digest,
        per_page: PAGE_SIZE,
        ...(after !== undefined && { after }),
      })
    } catch (error) {
      const status = statusOf(error)
      // GitHub answers 404 both for a digest nothing attested and for a repository the token cannot see.
      if (status === 404) return found
      throw new AttestationFetchError(explainStatus(status, gitHubMessage(error), repository, digest))
    }
    for (const item of response.data.attestations ?? []) {
      found.push({
        ...(item.bundle !== undefined && item.bundle !== null && { bundle: item.bundle }),
        ...(item.bundle_url !== undefined && { bundleUrl: item.bundle_url }),
      })
    }
    after = nextCursor(response.headers.link)
    if (after === undefined) break
  }
  return found
}

function explainStatus(status: number | undefined, message: string, repository: string, digest: string): string {
  const what = `Could not read the attestations of ${digest} in ${repository}`
  if (status === 401 || status === 403) {
    return (
      `${what}: GitHub answered ${status} (${message}). The token in \`source-token\` needs \`attestations: read\` on ${repository}: ` +
      'add `permissions: attestations: read` (with `contents: read`) to the job, or pass a token that has it.'
    )
  }
  return `${what}: ${status === undefined ? message : `GitHub answered ${status} (${message})`}.`
}

/** The `after` cursor of the Link header's `rel="next"`, if any. */
function nextCursor(link: string | undefined): string | undefined {
  const next = link?.split(',').find((part) => /rel="next"/.test(part))
  const url = next === undefined ? undefined : /<([^>]+)>/.exec(next)?.[1]
  return url === undefined ? undefined : (new URL(url).searchParams.get('after') ?? undefined)
}
