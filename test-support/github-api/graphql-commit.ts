// GraphQL `createCommitOnBranch`, as GitHub answers it: one signed commit of file additions and
// deletions on top of `expectedHeadOid`, applied atomically, or a STALE_DATA error when the
// branch has moved. Only this mutation, sent with its input in the `$input` variable (how every
// client sends it); other GraphQL documents are left to other handlers (undefined).
import { identityFromIso } from './git.js'
import type { TreeChange } from './git.js'
import type { RepoModel, Reply } from './handlers.js'

interface CommitInput {
  branch?: { repositoryNameWithOwner?: string; branchName?: string }
  expectedHeadOid?: string
  message?: { headline?: string; body?: string }
  fileChanges?: { additions?: { path?: string; contents?: string }[]; deletions?: { path?: string }[] }
}

const WEB_FLOW = { name: 'GitHub', email: 'noreply@github.com' }
const SIGNATURE = '-----BEGIN PGP SIGNATURE-----\n\nfake-github web-flow signature\n-----END PGP SIGNATURE-----\n'

/** Paths under which GitHub serves GraphQL: `/graphql`, and `/api/graphql` on GitHub Enterprise Server. */
function errors(...list: { type?: string; message: string }[]): Reply {
  return {
    status: 200,
    json: { data: null, errors: list.map((e) => ({ ...e, path: ['createCommitOnBranch'], locations: [] })) },
  }
}

/** Answers a `createCommitOnBranch` mutation; undefined for any other document. */
export async function createCommitOnBranch(model: RepoModel, body: unknown): Promise<Reply | undefined> {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: { input?: CommitInput } }
  if (typeof query !== 'string' || !/\bmutation\b[\s\S]*\bcreateCommitOnBranch\s*\(/.test(query)) return undefined
  const input = variables?.input
  if (input === undefined)
    return errors({ message: 'Variable $input of type CreateCommitOnBranchInput! was not provided.' })
  const { site } = model
  const fullName = `${site.owner}/${site.repo}`
  if (input.branch?.repositoryNameWithOwner?.toLowerCase() !== fullName.toLowerCase()) {
    return errors({ type: 'NOT_FOUND', message: `Could not resolve to a Repository with the name '${fullName}'.` })
  }
  if (typeof input.expectedHeadOid !== 'string' || !/^[0-9a-f]{40}$/.test(input.expectedHeadOid)) {
    return errors({
      message: 'Variable $input of type CreateCommitOnBranchInput! was provided invalid value for expectedHeadOid',
    })
  }
  if (typeof input.message?.headline !== 'string' || input.message.headline === '') {
    return errors({
      message: 'Variable $input of type CreateCommitOnBranchInput! was provided invalid value for message.headline',
    })
  }
  const expected = input.expectedHeadOid
  const fullRef = `refs/heads/${input.branch.branchName ?? ''}`
  const additions = input.fileChanges?.additions ?? []
  const deletions = input.fileChanges?.deletions ?? []
  const git = model.git
  const stale = () =>
    errors({
      type: 'STALE_DATA',
      message: `Expected branch to point to "${expected}" but it did not. Pull and try again.`,
    })
  // The commit is built outside the ref's lock, as GitHub does; only the check-and-swap is serialised.
  const refusal = model.merges?.directWriteRefusal(input.branch.branchName ?? '')
  if (refusal !== undefined) return errors({ message: refusal.graphql })
  const current = await git.readRef(fullRef)
  if (current === undefined) return errors({ type: 'NOT_FOUND', message: `A ref named "${fullRef}" does not exist.` })
  if (current !== expected) return stale()
  const shas = await git.writeBlobs(additions.map((file) => Buffer.from(file.contents ?? '', 'base64')))
  const changes: TreeChange[] = [
    ...additions.map((file, i) => ({ path: file.path ?? '', mode: '100644', type: 'blob' as const, sha: shas[i]! })),
    ...deletions.map((file) => ({ path: file.path ?? '', mode: '100644', type: 'blob' as const, sha: null })),
  ]
  const tree = await git.buildTree(await git.resolve(expected, 'tree'), changes)
  const at = new Date()
  const author = identityFromIso({ name: model.tokenUser.login, email: model.tokenUser.email }, at)
  const signs = model.tokenUser.signsCommits
  const headline = input.message.headline
  const message = input.message.body ? `${headline}\n\n${input.message.body}` : headline
  const sha = await git.commitTree({
    tree,
    parents: [expected],
    message,
    author,
    committer: signs ? identityFromIso(WEB_FLOW, at) : author,
  })
  if (signs) {
    const payload = (await git.readObject('commit', sha)).toString('utf8')
    const verifiedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    model.signed.set(sha, { verified: true, reason: 'valid', signature: SIGNATURE, payload, verified_at: verifiedAt })
  }
  return model.withLock(fullRef, async () => {
    if (!(await git.casRef(fullRef, sha, expected))) return stale()
    model.noteRef(fullRef, sha)
    model.touch()
    const url = `${site.web}/${fullName}/commit/${sha}`
    return { status: 200, json: { data: { createCommitOnBranch: { commit: { oid: sha, url } } } } }
  })
}
