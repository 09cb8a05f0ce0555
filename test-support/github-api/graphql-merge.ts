// The GraphQL side of merging in the GitHub stand-in: the repository's merge settings and merge
// queue, a pull request with its merge state and head status contexts, and the mutations
// enablePullRequestAutoMerge, mergePullRequest and enqueuePullRequest with GitHub's errors.
// Answers are built from plain objects whose fields may be functions of the field's arguments.
import { ApiError } from './handlers.js'
import type { RepoModel } from './handlers.js'
import type { MergeMethod, MergeModel } from './merges.js'
import { nodeId, type PullState } from './shapes.js'
import type { GraphqlContext, Selection, Value } from './graphql.js'

type Resolved = unknown
type Args = Record<string, unknown>
interface FieldAnswer {
  readonly data: unknown
  readonly errors?: { message: string; type: string; path: string[] }[]
}

/** Types and fields this module answers, merged into graphql.ts's SCHEMA. */
export const MERGE_SCHEMA: Record<string, Record<string, { type: string; args?: Record<string, string> }>> = {
  Repository: {
    autoMergeAllowed: { type: 'Boolean' },
    mergeCommitAllowed: { type: 'Boolean' },
    squashMergeAllowed: { type: 'Boolean' },
    rebaseMergeAllowed: { type: 'Boolean' },
    mergeQueue: { type: 'MergeQueue', args: { branch: 'String' } },
    pullRequest: { type: 'PullRequest', args: { number: 'Int!' } },
    ref: { type: 'Ref', args: { qualifiedName: 'String!' } },
  },
  Ref: { name: { type: 'String' }, refUpdateRule: { type: 'RefUpdateRule' } },
  RefUpdateRule: {
    pattern: { type: 'String' },
    viewerCanPush: { type: 'Boolean' },
    requiredStatusCheckContexts: { type: 'String' },
    requiredApprovingReviewCount: { type: 'Int' },
  },
  MergeQueue: { id: { type: 'ID' } },
  PullRequest: {
    id: { type: 'ID' },
    number: { type: 'Int' },
    state: { type: 'PullRequestState' },
    merged: { type: 'Boolean' },
    headRefOid: { type: 'GitObjectID' },
    mergeStateStatus: { type: 'MergeStateStatus' },
    reviewDecision: { type: 'PullRequestReviewDecision' },
    mergeCommit: { type: 'Commit' },
    autoMergeRequest: { type: 'AutoMergeRequest' },
    commits: { type: 'PullRequestCommitConnection', args: { last: 'Int', first: 'Int' } },
  },
  AutoMergeRequest: {
    enabledAt: { type: 'DateTime' },
    mergeMethod: { type: 'PullRequestMergeMethod' },
    enabledBy: { type: 'Actor' },
  },
  Actor: { login: { type: 'String' } },
  PullRequestCommitConnection: { nodes: { type: 'PullRequestCommit' } },
  PullRequestCommit: { commit: { type: 'Commit' } },
  StatusCheckRollup: {
    state: { type: 'StatusState' },
    contexts: { type: 'StatusCheckRollupContextConnection', args: { first: 'Int', last: 'Int' } },
  },
  StatusCheckRollupContextConnection: { nodes: { type: 'StatusCheckRollupContext' } },
  StatusCheckRollupContext: {},
  StatusContext: {
    context: { type: 'String' },
    state: { type: 'StatusState' },
    description: { type: 'String' },
    targetUrl: { type: 'URI' },
    isRequired: { type: 'Boolean', args: { pullRequestNumber: 'Int', pullRequestId: 'ID' } },
  },
  CheckRun: {
    name: { type: 'String' },
    status: { type: 'CheckStatusState' },
    conclusion: { type: 'CheckConclusionState' },
    detailsUrl: { type: 'URI' },
    isRequired: { type: 'Boolean', args: { pullRequestNumber: 'Int', pullRequestId: 'ID' } },
  },
  MergeQueueEntry: { id: { type: 'ID' }, position: { type: 'Int' }, state: { type: 'MergeQueueEntryState' } },
  EnablePullRequestAutoMergePayload: { clientMutationId: { type: 'String' }, pullRequest: { type: 'PullRequest' } },
  MergePullRequestPayload: { clientMutationId: { type: 'String' }, pullRequest: { type: 'PullRequest' } },
  EnqueuePullRequestPayload: { clientMutationId: { type: 'String' }, mergeQueueEntry: { type: 'MergeQueueEntry' } },
  Mutation: {
    enablePullRequestAutoMerge: {
      type: 'EnablePullRequestAutoMergePayload',
      args: { input: 'EnablePullRequestAutoMergeInput!' },
    },
    mergePullRequest: { type: 'MergePullRequestPayload', args: { input: 'MergePullRequestInput!' } },
    enqueuePullRequest: { type: 'EnqueuePullRequestPayload', args: { input: 'EnqueuePullRequestInput!' } },
  },
}

/** Enums are leaves like scalars. */
export const MERGE_ENUMS = [
  'PullRequestState',
  'MergeStateStatus',
  'PullRequestReviewDecision',
  'PullRequestMergeMethod',
  'StatusState',
  'CheckStatusState',
  'CheckConclusionState',
  'MergeQueueEntryState',
]

export const MERGE_POSSIBLE_TYPES: Record<string, readonly string[]> = {
  StatusCheckRollupContext: ['StatusContext', 'CheckRun'],
  Actor: ['User', 'Bot', 'Organization'],
}

function valueOf(value: Value, variables: Args): unknown {
  switch (value.kind) {
    case 'variable':
      return variables[value.name]
    case 'null':
      return null
    case 'list':
      return value.items.map((item) => valueOf(item, variables))
    case 'object':
      return Object.fromEntries(Object.entries(value.fields).map(([k, v]) => [k, valueOf(v, variables)]))
    default:
      return value.value
  }
}

/** Projects `value` onto the selections; fields that are functions are called with their arguments. */
async function project(selections: readonly Selection[], value: Resolved, variables: Args): Promise<unknown> {
  if (value === null || value === undefined) return null
  if (Array.isArray(value)) return Promise.all(value.map((item) => project(selections, item, variables)))
  if (typeof value !== 'object') return value
  const node = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const selection of selections) {
    if (selection.onType !== undefined && selection.onType !== node.__typename) continue
    if (selection.name === '__typename') {
      out[selection.key] = node.__typename
      continue
    }
    let field = node[selection.name]
    if (typeof field === 'function') {
      const args = Object.fromEntries(Object.entries(selection.args).map(([k, v]) => [k, valueOf(v, variables)]))
      field = await (field as (args: Args) => unknown)(args)
    }
    out[selection.key] =
      selection.selections.length > 0 ? await project(selection.selections, field, variables) : (field ?? null)
  }
  return out
}

function merges(context: GraphqlContext): MergeModel {
  const model = context.model.merges
  if (model === undefined) throw new Error('the stand-in has no merge model')
  return model
}

/** A Repository field of this module for `repositoryField` in graphql.ts; undefined for others. */
export async function repositoryMergeField(
  selection: Selection,
  variables: Args,
  context: GraphqlContext,
): Promise<{ value: unknown } | undefined> {
  const model = merges(context)
  const repository: Record<string, unknown> = {
    __typename: 'Repository',
    autoMergeAllowed: model.settings.allowAutoMerge,
    mergeCommitAllowed: model.settings.allowMergeCommit,
    squashMergeAllowed: model.settings.allowSquashMerge,
    rebaseMergeAllowed: model.settings.allowRebaseMerge,
    mergeQueue: ({ branch }: Args) => {
      const name = typeof branch === 'string' ? branch : context.site.defaultBranch
      return model.protection.get(name)?.mergeQueue === undefined
        ? null
        : { __typename: 'MergeQueue', id: nodeId('MergeQueue', name) }
    },
    ref: async ({ qualifiedName }: Args) => {
      const name = String(qualifiedName).replace(/^refs\/heads\//, '')
      if ((await context.git.readRef(`refs/heads/${name}`)) === undefined) return null
      const rule = model.protection.get(name)
      return {
        __typename: 'Ref',
        name,
        refUpdateRule:
          rule === undefined
            ? null
            : {
                __typename: 'RefUpdateRule',
                pattern: name,
                // Whether the token may push at all; a push can still fail on required statuses.
                viewerCanPush: !(
                  rule.requirePullRequest ||
                  (rule.requiredApprovingReviews ?? 0) > 0 ||
                  rule.mergeQueue
                ),
                requiredStatusCheckContexts: rule.requiredStatusChecks ?? [],
                requiredApprovingReviewCount: rule.requiredApprovingReviews ?? 0,
              },
      }
    },
    pullRequest: ({ number }: Args) => {
      const pr = context.model.findPullByNumber(Number(number))
      return pr === undefined ? null : pullRequestNode(context.model, model, pr)
    },
  }
  if (!(selection.name in repository)) return undefined
  const projected = (await project([selection], repository, variables)) as Record<string, unknown>
  return { value: projected[selection.key] }
}

function pullRequestNode(model: RepoModel, merge: MergeModel, pr: PullState): Record<string, unknown> {
  const site = model.site
  const head = async () => model.headSha(pr)
  const contexts = async () => {
    const sha = await head()
    const required = new Set(merge.protection.get(pr.base)?.requiredStatusChecks ?? [])
    return merge.statusesOf(sha).map((status) => ({
      __typename: 'StatusContext',
      context: status.context,
      state: status.state.toUpperCase(),
      description: status.description,
      targetUrl: status.target_url,
      isRequired: () => required.has(status.context),
    }))
  }
  return {
    __typename: 'PullRequest',
    id: nodeId('PullRequest', pr.id),
    number: pr.number,
    state: pr.merged !== undefined ? 'MERGED' : pr.state.toUpperCase(),
    merged: pr.merged !== undefined,
    headRefOid: head,
    mergeStateStatus: async () => {
      const baseSha = (await model.git.readRef(`refs/heads/${pr.base}`)) ?? ''
      return merge.mergeState(pr, await head(), baseSha).state.toUpperCase()
    },
    reviewDecision: () => {
      const required = merge.protection.get(pr.base)?.requiredApprovingReviews ?? 0
      if (required === 0) return null
      return (pr.approvals ?? 0) >= required ? 'APPROVED' : 'REVIEW_REQUIRED'
    },
    mergeCommit: pr.merged === undefined ? null : { __typename: 'Commit', oid: pr.merged.sha },
    autoMergeRequest:
      pr.autoMerge === undefined
        ? null
        : {
            __typename: 'AutoMergeRequest',
            enabledAt: pr.autoMerge.enabledAt,
            mergeMethod: pr.autoMerge.method.toUpperCase(),
            enabledBy: { __typename: pr.autoMerge.enabledBy.type, login: pr.autoMerge.enabledBy.login },
          },
    commits: async () => ({
      __typename: 'PullRequestCommitConnection',
      nodes: [
        {
          __typename: 'PullRequestCommit',
          commit: {
            __typename: 'Commit',
            oid: await head(),
            abbreviatedOid: (await head()).slice(0, 7),
            statusCheckRollup: async () => {
              const list = await contexts()
              if (list.length === 0) return null
              const states = list.map((c) => c.state)
              const state = states.some((s) => s === 'FAILURE' || s === 'ERROR')
                ? 'FAILURE'
                : states.some((s) => s === 'PENDING')
                  ? 'PENDING'
                  : 'SUCCESS'
              return {
                __typename: 'StatusCheckRollup',
                state,
                contexts: { __typename: 'StatusCheckRollupContextConnection', nodes: list },
              }
            },
          },
        },
      ],
    }),
    url: `${site.web}/${site.owner}/${site.repo}/pull/${pr.number}`,
  }
}

function findByNodeId(model: RepoModel, id: unknown): PullState | undefined {
  if (typeof id !== 'string') return undefined
  const decoded = Buffer.from(id, 'base64').toString('utf8')
  const match = /^PullRequest:(\d+)$/.exec(decoded)
  return match === null ? undefined : model.pulls.find((pr) => pr.id === Number(match[1]))
}

const METHODS: Record<string, MergeMethod> = { MERGE: 'merge', SQUASH: 'squash', REBASE: 'rebase' }

function failure(selection: Selection, message: string, type = 'UNPROCESSABLE'): FieldAnswer {
  return { data: null, errors: [{ type, message, path: [selection.key] }] }
}

interface MutationInput {
  pullRequestId?: unknown
  expectedHeadOid?: unknown
  mergeMethod?: unknown
  commitHeadline?: unknown
  commitBody?: unknown
}

function inputOf(selection: Selection, variables: Args): MutationInput {
  const value = selection.args.input
  return (value === undefined ? {} : (valueOf(value, variables) ?? {})) as MutationInput
}

async function withPullRequest(
  selection: Selection,
  variables: Args,
  context: GraphqlContext,
  work: (pr: PullState, input: MutationInput, model: MergeModel) => Promise<FieldAnswer>,
): Promise<FieldAnswer> {
  const input = inputOf(selection, variables)
  const pr = findByNodeId(context.model, input.pullRequestId)
  if (pr === undefined) {
    return failure(
      selection,
      `Could not resolve to a node with the global id of '${String(input.pullRequestId)}'`,
      'NOT_FOUND',
    )
  }
  return work(pr, input, merges(context))
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

export const MERGE_MUTATIONS = {
  enablePullRequestAutoMerge: (selection: Selection, variables: Args, context: GraphqlContext) =>
    withPullRequest(selection, variables, context, async (pr, input, model) => {
      const method = METHODS[text(input.mergeMethod) ?? 'MERGE'] ?? 'merge'
      const refused = await model.enableAutoMerge(
        pr,
        method,
        text(input.expectedHeadOid) ?? undefined,
        text(input.commitHeadline),
        text(input.commitBody),
        context.model.tokenAccount,
      )
      if (refused !== undefined) return failure(selection, refused)
      const payload = {
        __typename: 'EnablePullRequestAutoMergePayload',
        clientMutationId: null,
        pullRequest: pullRequestNode(context.model, model, pr),
      }
      return { data: await project(selection.selections, payload, variables) }
    }),
  mergePullRequest: (selection: Selection, variables: Args, context: GraphqlContext) =>
    withPullRequest(selection, variables, context, async (pr, input, model) => {
      const method = METHODS[text(input.mergeMethod) ?? 'MERGE'] ?? 'merge'
      try {
        await model.merge(
          pr,
          method,
          text(input.expectedHeadOid) ?? undefined,
          text(input.commitHeadline) ?? undefined,
          text(input.commitBody) ?? undefined,
          context.model.tokenAccount,
          'graphql',
          (_status, message) => new ApiError(422, message),
        )
      } catch (error) {
        if (error instanceof ApiError) return failure(selection, error.message)
        throw error
      }
      const payload = {
        __typename: 'MergePullRequestPayload',
        clientMutationId: null,
        pullRequest: pullRequestNode(context.model, model, pr),
      }
      return { data: await project(selection.selections, payload, variables) }
    }),
  enqueuePullRequest: (selection: Selection, variables: Args, context: GraphqlContext) =>
    withPullRequest(selection, variables, context, async (pr, input, model) => {
      const entry = model.enqueue(
        pr,
        text(input.expectedHeadOid) ?? undefined,
        await context.model.headSha(pr),
        context.model.tokenAccount,
      )
      if (typeof entry === 'string') return failure(selection, entry)
      const payload = {
        __typename: 'EnqueuePullRequestPayload',
        clientMutationId: null,
        mergeQueueEntry: {
          __typename: 'MergeQueueEntry',
          id: nodeId('MergeQueueEntry', entry.id),
          position: entry.position,
          state: 'QUEUED',
        },
      }
      return { data: await project(selection.selections, payload, variables) }
    }),
}
