// JSON bodies in the shapes GitHub answers with (every field the published schemas require), built
// from the repository's real objects. Pure functions: no git, no HTTP.
import type { Identity, ParsedCommit, TreeEntry } from './git.js'
import { isoFromIdentity } from './git.js'

export interface Site {
  /** API base without a trailing slash. */
  api: string
  /** Web base (GITHUB_SERVER_URL) without a trailing slash. */
  web: string
  owner: string
  repo: string
  defaultBranch: string
  repoId: number
  ownerId: number
  createdAt: string
}

export interface Account {
  login: string
  id: number
  type: 'User' | 'Bot' | 'Organization'
}

export interface LabelState {
  id: number
  name: string
  color: string
  description: string | null
}

export interface PullState {
  number: number
  id: number
  state: 'open' | 'closed'
  title: string
  body: string | null
  head: string
  base: string
  draft: boolean
  maintainerCanModify: boolean
  labels: string[]
  user: Account
  createdAt: string
  updatedAt: string
  closedAt: string | null
  /** Set once merged (merges.ts). */
  merged?: { sha: string; at: string; by: Account; method: 'merge' | 'squash' | 'rebase' }
  /** Who closed it, when a person or the token closed it. */
  closedBy?: Account
  /** GitHub auto-merge, armed by enablePullRequestAutoMerge. */
  autoMerge?: {
    method: 'merge' | 'squash' | 'rebase'
    title: string | null
    message: string | null
    enabledBy: Account
    enabledAt: string
  }
  /** In the base branch's merge queue. */
  queued?: { id: number; at: string; by: Account }
  /** Approving reviews (a test control sets them). */
  approvals?: number
}

export interface Verification {
  verified: boolean
  reason: string
  signature: string | null
  payload: string | null
  verified_at: string | null
}

type Body = Record<string, unknown>

export function nodeId(kind: string, id: string | number): string {
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '')
}

function repoApi(site: Site): string {
  return `${site.api}/repos/${site.owner}/${site.repo}`
}

function repoWeb(site: Site): string {
  return `${site.web}/${site.owner}/${site.repo}`
}

/** Path segments URL-encoded, slashes kept (how GitHub spells paths in its links). */
export function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/')
}

export function user(site: Site, account: Account): Body {
  const u = `${site.api}/users/${encodeURIComponent(account.login)}`
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `${site.web}/avatars/u/${account.id}?v=4`,
    gravatar_id: '',
    url: u,
    html_url: `${site.web}/${encodeURIComponent(account.login)}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: account.type,
    user_view_type: 'public',
    site_admin: false,
  }
}

export function ownerAccount(site: Site): Account {
  return { login: site.owner, id: site.ownerId, type: 'Organization' }
}

/** Satisfies both `full-repository` (GET /repos) and `repository` (inside pull requests). */
export function repository(site: Site, pushedAt: string): Body {
  const a = repoApi(site)
  return {
    id: site.repoId,
    node_id: nodeId('Repository', site.repoId),
    name: site.repo,
    full_name: `${site.owner}/${site.repo}`,
    owner: user(site, ownerAccount(site)),
    private: true,
    html_url: repoWeb(site),
    description: 'GitOps manifests (fake GitHub API)',
    fork: false,
    url: a,
    archive_url: `${a}/{archive_format}{/ref}`,
    assignees_url: `${a}/assignees{/user}`,
    blobs_url: `${a}/git/blobs{/sha}`,
    branches_url: `${a}/branches{/branch}`,
    collaborators_url: `${a}/collaborators{/collaborator}`,
    comments_url: `${a}/comments{/number}`,
    commits_url: `${a}/commits{/sha}`,
    compare_url: `${a}/compare/{base}...{head}`,
    contents_url: `${a}/contents/{+path}`,
    contributors_url: `${a}/contributors`,
    deployments_url: `${a}/deployments`,
    downloads_url: `${a}/downloads`,
    events_url: `${a}/events`,
    forks_url: `${a}/forks`,
    git_commits_url: `${a}/git/commits{/sha}`,
    git_refs_url: `${a}/git/refs{/sha}`,
    git_tags_url: `${a}/git/tags{/sha}`,
    git_url: `${repoWeb(site).replace(/^https?:/, 'git:')}.git`,
    issue_comment_url: `${a}/issues/comments{/number}`,
    issue_events_url: `${a}/issues/events{/number}`,
    issues_url: `${a}/issues{/number}`,
    keys_url: `${a}/keys{/key_id}`,
    labels_url: `${a}/labels{/name}`,
    languages_url: `${a}/languages`,
    merges_url: `${a}/merges`,
    milestones_url: `${a}/milestones{/number}`,
    notifications_url: `${a}/notifications{?since,all,participating}`,
    pulls_url: `${a}/pulls{/number}`,
    releases_url: `${a}/releases{/id}`,
    ssh_url: `git@${new URL(site.web).host}:${site.owner}/${site.repo}.git`,
    stargazers_url: `${a}/stargazers`,
    statuses_url: `${a}/statuses/{sha}`,
    subscribers_url: `${a}/subscribers`,
    subscription_url: `${a}/subscription`,
    tags_url: `${a}/tags`,
    teams_url: `${a}/teams`,
    trees_url: `${a}/git/trees{/sha}`,
    clone_url: `${repoWeb(site)}.git`,
    mirror_url: null,
    hooks_url: `${a}/hooks`,
    svn_url: repoWeb(site),
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 1,
    default_branch: site.defaultBranch,
    open_issues_count: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: pushedAt,
    created_at: site.createdAt,
    updated_at: pushedAt,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    allow_forking: false,
    web_commit_signoff_required: false,
    subscribers_count: 0,
    network_count: 0,
    license: null,
    forks: 0,
    open_issues: 0,
    watchers: 0,
    organization: user(site, ownerAccount(site)),
  }
}

export function gitRef(site: Site, fullRef: string, sha: string, type = 'commit'): Body {
  return {
    ref: fullRef,
    node_id: nodeId('Ref', `${site.repoId}:${fullRef}`),
    url: `${repoApi(site)}/git/${encodePath(fullRef)}`,
    object: { sha, type, url: `${repoApi(site)}/git/${type}s/${sha}` },
  }
}

function gitPerson(who: Identity): Body {
  return { name: who.name, email: who.email, date: isoFromIdentity(who) }
}

function parentLinks(site: Site, commit: ParsedCommit): Body[] {
  return commit.parents.map((sha) => ({
    sha,
    url: `${repoApi(site)}/git/commits/${sha}`,
    html_url: `${repoWeb(site)}/commit/${sha}`,
  }))
}

/** `git-commit` (Git Data API). */
export function gitCommit(site: Site, commit: ParsedCommit, verification: Verification): Body {
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${repoApi(site)}/git/commits/${commit.sha}`,
    html_url: `${repoWeb(site)}/commit/${commit.sha}`,
    author: gitPerson(commit.author),
    committer: gitPerson(commit.committer),
    tree: { sha: commit.tree, url: `${repoApi(site)}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: parentLinks(site, commit),
    verification,
  }
}

/** `commit` (the repos API's commit, as inside a branch). */
export function repoCommit(
  site: Site,
  commit: ParsedCommit,
  verification: Verification,
  accounts: Map<string, Account>,
): Body {
  const account = (who: Identity) => {
    const a = accounts.get(who.email.toLowerCase())
    return a ? user(site, a) : {}
  }
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    commit: {
      author: gitPerson(commit.author),
      committer: gitPerson(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: `${repoApi(site)}/git/trees/${commit.tree}` },
      url: `${repoApi(site)}/git/commits/${commit.sha}`,
      comment_count: 0,
      verification,
    },
    url: `${repoApi(site)}/commits/${commit.sha}`,
    html_url: `${repoWeb(site)}/commit/${commit.sha}`,
    comments_url: `${repoApi(site)}/commits/${commit.sha}/comments`,
    author: account(commit.author),
    committer: account(commit.committer),
    parents: parentLinks(site, commit),
  }
}

/** `requiredChecks` undefined: the branch is not protected. */
export function branch(site: Site, name: string, commit: Body, requiredChecks?: readonly string[]): Body {
  const b = `${repoApi(site)}/branches/${encodePath(name)}`
  const checks = requiredChecks ?? []
  return {
    name,
    commit,
    _links: { self: b, html: `${repoWeb(site)}/tree/${encodePath(name)}` },
    protected: requiredChecks !== undefined,
    protection: {
      enabled: requiredChecks !== undefined,
      required_status_checks: {
        enforcement_level: checks.length > 0 ? 'non_admins' : 'off',
        contexts: [...checks],
        checks: checks.map((context) => ({ context, app_id: null })),
      },
    },
    protection_url: `${b}/protection`,
  }
}

export function treeEntry(site: Site, entry: TreeEntry): Body {
  return {
    path: entry.path,
    mode: entry.mode,
    type: entry.type,
    sha: entry.sha,
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    url: `${repoApi(site)}/git/${entry.type === 'commit' ? 'commits' : `${entry.type}s`}/${entry.sha}`,
  }
}

export function tree(site: Site, sha: string, entries: TreeEntry[], truncated: boolean): Body {
  return {
    sha,
    url: `${repoApi(site)}/git/trees/${sha}`,
    tree: entries.map((e) => treeEntry(site, e)),
    truncated,
  }
}

/** Base64 wrapped at 60 columns with a final newline, as GitHub sends it. */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString('base64')
  return b64 === '' ? '' : (b64.match(/.{1,60}/g) ?? []).join('\n') + '\n'
}

/** Contents API entry (file, dir, symlink, submodule) without content. */
export function contentEntry(site: Site, ref: string, filePath: string, entry: TreeEntry): Body {
  const type =
    entry.type === 'tree' ? 'dir' : entry.type === 'commit' ? 'submodule' : entry.mode === '120000' ? 'symlink' : 'file'
  const p = encodePath(filePath)
  const self = `${repoApi(site)}/contents/${p}?ref=${encodeURIComponent(ref)}`
  const html = `${repoWeb(site)}/${type === 'dir' ? 'tree' : 'blob'}/${encodePath(ref)}/${p}`
  const git = entry.type === 'commit' ? null : `${repoApi(site)}/git/${entry.type}s/${entry.sha}`
  return {
    type,
    size: entry.size ?? 0,
    name: filePath.slice(filePath.lastIndexOf('/') + 1),
    path: filePath,
    sha: entry.sha,
    url: self,
    git_url: git,
    html_url: type === 'submodule' ? null : html,
    download_url: type === 'file' ? `${repoWeb(site)}/raw/${encodePath(ref)}/${p}` : null,
    _links: { self, git, html: type === 'submodule' ? null : html },
  }
}

/** Files over 1 MB come without inline content (encoding "none"), as on GitHub. */
export const CONTENTS_INLINE_LIMIT = 1024 * 1024

export function contentFile(site: Site, ref: string, filePath: string, entry: TreeEntry, content: Buffer): Body {
  const inline = content.length <= CONTENTS_INLINE_LIMIT
  return {
    ...contentEntry(site, ref, filePath, entry),
    encoding: inline ? 'base64' : 'none',
    content: inline ? base64Lines(content) : '',
  }
}

export function contentSymlink(site: Site, ref: string, filePath: string, entry: TreeEntry, target: string): Body {
  return { ...contentEntry(site, ref, filePath, entry), target }
}

export function label(site: Site, l: LabelState, descriptionRequired = false): Body {
  return {
    id: l.id,
    node_id: nodeId('Label', l.id),
    url: `${repoApi(site)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    // pull-request-simple declares description a non-null string; elsewhere GitHub sends null.
    description: descriptionRequired ? (l.description ?? '') : l.description,
    color: l.color,
    default: false,
  }
}

interface PullContext {
  headSha: string
  baseSha: string
  labels: LabelState[]
  pushedAt: string
}

function pullCommon(site: Site, pr: PullState, ctx: PullContext, simple: boolean): Body {
  const a = repoApi(site)
  const self = `${a}/pulls/${pr.number}`
  const html = `${repoWeb(site)}/pull/${pr.number}`
  const repo = repository(site, ctx.pushedAt)
  const owner = user(site, ownerAccount(site))
  return {
    url: self,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${a}/issues/${pr.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${a}/pulls/comments{/number}`,
    comments_url: `${a}/issues/${pr.number}/comments`,
    statuses_url: `${a}/statuses/${ctx.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: user(site, pr.user),
    body: pr.body,
    labels: ctx.labels.map((l) => label(site, l, simple)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.merged?.at ?? null,
    merge_commit_sha: pr.merged?.sha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: { label: `${site.owner}:${pr.head}`, ref: pr.head, sha: ctx.headSha, user: owner, repo },
    base: { label: `${site.owner}:${pr.base}`, ref: pr.base, sha: ctx.baseSha, user: owner, repo },
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${a}/issues/${pr.number}` },
      comments: { href: `${a}/issues/${pr.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${a}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${a}/statuses/${ctx.headSha}` },
    },
    author_association: 'NONE',
    auto_merge:
      pr.autoMerge === undefined
        ? null
        : {
            enabled_by: user(site, pr.autoMerge.enabledBy),
            merge_method: pr.autoMerge.method,
            commit_title: pr.autoMerge.title ?? '',
            commit_message: pr.autoMerge.message ?? '',
          },
    draft: pr.draft,
  }
}

export function pullRequestSimple(site: Site, pr: PullState, ctx: PullContext): Body {
  return pullCommon(site, pr, ctx, true)
}

export function pullRequest(
  site: Site,
  pr: PullState,
  ctx: PullContext & {
    commits: number
    changedFiles: number
    mergeable: boolean | null
    rebaseable: boolean | null
    /** clean, unstable, blocked, behind, dirty, draft or unknown (GitHub's `mergeable_state`). */
    mergeableState: string
  },
): Body {
  return {
    ...pullCommon(site, pr, ctx, false),
    merged: pr.merged !== undefined,
    mergeable: ctx.mergeable,
    rebaseable: ctx.rebaseable,
    mergeable_state: ctx.mergeableState,
    merged_by: pr.merged === undefined ? null : user(site, pr.merged.by),
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: pr.maintainerCanModify,
    commits: ctx.commits,
    additions: 0,
    deletions: 0,
    changed_files: ctx.changedFiles,
  }
}

export function errorBody(message: string, documentationUrl: string, status: number, extra: Body = {}): Body {
  return { message, ...extra, documentation_url: documentationUrl, status: String(status) }
}

/** GET /issues/{n} of a pull request: the issue side, with `closed_by` (the pull request shape has none). */
export function issueOfPull(site: Site, pr: PullState, labels: LabelState[]): Body {
  const a = repoApi(site)
  const html = `${repoWeb(site)}/pull/${pr.number}`
  const self = `${a}/issues/${pr.number}`
  return {
    id: pr.id,
    node_id: nodeId('Issue', pr.id),
    url: self,
    repository_url: a,
    labels_url: `${self}/labels{/name}`,
    comments_url: `${self}/comments`,
    events_url: `${self}/events`,
    html_url: html,
    number: pr.number,
    state: pr.state,
    state_reason: null,
    title: pr.title,
    body: pr.body,
    user: user(site, pr.user),
    labels: labels.map((l) => label(site, l)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    pull_request: {
      url: `${a}/pulls/${pr.number}`,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: pr.merged?.at ?? null,
    },
    closed_at: pr.closedAt,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_by: pr.state === 'closed' ? user(site, pr.merged?.by ?? pr.closedBy ?? pr.user) : null,
    author_association: 'NONE',
  }
}
