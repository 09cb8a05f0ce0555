// STAND-IN TEST CONTROL for issue 16 ("a person merges the deploy pull request"), to be reconciled
// with the merge machinery of issue 15 (PUT pulls/{n}/merge, branch protection, auto-merge): what
// pressing GitHub's merge button leaves in the repository, made with git, and the pull request
// closed. Not an API endpoint: the action never calls it, tests do.
import type { GitRepo } from './git.js'
import type { RepoModel } from './handlers.js'

export type PersonMergeMethod = 'merge' | 'squash' | 'rebase'

const PERSON = { name: 'Release Manager', email: 'release-manager@example.com' }

/**
 * Merges pull request `number` into its base the way GitHub's web UI does: a merge commit
 * ("Merge pull request #N from OWNER/BRANCH", the title as body), one squashed commit (title
 * "TITLE (#N)", the head commit's message as body) or the head commit rebased (its message kept).
 * Throws when the branches conflict. Returns the new head of the base branch.
 */
export async function mergePullByPerson(
  model: RepoModel,
  git: GitRepo,
  number: number,
  method: PersonMergeMethod,
): Promise<string> {
  const pr = model.pulls.find((candidate) => candidate.number === number)
  if (pr === undefined || pr.state !== 'open') throw new Error(`no open pull request #${number}`)
  const baseRef = `refs/heads/${pr.base}`
  return model.withLock(baseRef, async () => {
    const base = await git.readRef(baseRef)
    const head = await git.readRef(`refs/heads/${pr.head}`)
    if (base === undefined || head === undefined) throw new Error(`#${number}: a branch is missing`)
    // --write-tree prints the merged tree, or exits non-zero on conflicts (git ≥ 2.38).
    const tree = (await git.text(['merge-tree', '--write-tree', base, head])).split('\n')[0]!.trim()
    const headMessage = await git.text(['show', '-s', '--format=%B', head])
    const at = { ...PERSON, time: Math.floor(Date.now() / 1000), tz: '+0000' }
    const message =
      method === 'merge'
        ? `Merge pull request #${number} from ${model.site.owner}/${pr.head}\n\n${pr.title}\n`
        : method === 'squash'
          ? `${pr.title} (#${number})\n\n${headMessage.split('\n').slice(1).join('\n').replace(/^\n+/, '')}`
          : headMessage
    const sha = await git.commitTree({
      tree,
      parents: method === 'merge' ? [base, head] : [base],
      message,
      author: at,
      committer: at,
    })
    if (!(await git.casRef(baseRef, sha, base))) throw new Error(`${pr.base} moved during the merge`)
    model.noteRef(baseRef, sha)
    model.touch()
    pr.state = 'closed'
    pr.closedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    pr.updatedAt = pr.closedAt
    return sha
  })
}
