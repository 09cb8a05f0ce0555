// Gets the run's pull request merged as soon as GitHub allows it, and waits for the merge: arms
// auto-merge (or enqueues, or merges directly when nothing is left to wait for), then polls the pull
// request cheaply until it is merged, closed, blocked by a failing required check, disarmed, or the
// merge timeout passes. A conflict with a new base is resolved by rebuilding the branch (the
// action owns it) and arming again.
import * as core from '@actions/core'
import { letFinish, throwIfCancelled } from '../cancel.js'
import { type Clock, type RetryPolicy, systemClock } from '../net/retry.js'
import { formatDuration } from '../util/duration.js'
import type { HeadCheck, MergeApi, MergeCommitMessage, MergeMethod, PullStatus, Refusal } from './merge-api.js'

export interface LandOptions {
  readonly number: number
  /** The head this run wrote (undefined when it found its change already there): the only head it merges. */
  readonly head?: string
  readonly method: MergeMethod
  readonly timeoutMs: number
  /** Whether the repository allows auto-merge (pre-flight read). */
  readonly autoMergeAllowed: boolean
  /** The base branch requires a merge queue. */
  readonly mergeQueue: boolean
  /** The merge commit's headline and body for this pull request (issue 16 adds trailers there). */
  message(pull: PullStatus): MergeCommitMessage
  /** Rebuilds the branch on top of the current base; resolves to the new head sha. */
  rebuild(): Promise<string>
  readonly clock?: Clock
}

export interface Landed {
  /** The commit that landed on the base: the merge, squash or last rebased commit. */
  readonly sha: string
  readonly via: 'auto-merge' | 'merge queue' | 'direct merge'
  readonly url: string
  /** GitHub calls made while waiting (polls, check reads, merges), for the bench. */
  readonly calls: number
  readonly rebuilds: number
}

/** The merge did not happen; the message says why and what is pending. */
export class MergeFailure extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MergeFailure'
  }
}

/** Right after a push, GitHub can still show the previous head for a moment: polls until it shows ours. */
const HEAD_SETTLE_POLLS = 5
const HEAD_SETTLE_MS = 1_000

/** Polls back off from 2 s to 15 s, and never beyond a twentieth of the timeout (at least 1 s). */
export function mergePollPolicy(timeoutMs: number): RetryPolicy {
  const maxDelayMs = Math.min(15_000, Math.max(1_000, Math.round(timeoutMs / 20)))
  return { baseDelayMs: Math.min(2_000, maxDelayMs), maxDelayMs }
}

/** The wait before poll `attempt`: doubling from the base to the cap. No jitter: nobody collides on a read. */
export function pollDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
}

const FAILED = new Set(['FAILURE', 'ERROR', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED', 'STARTUP_FAILURE'])
const PASSED = new Set(['SUCCESS', 'NEUTRAL', 'SKIPPED'])

/** How a check reads in a message: name, description and link. */
export function describeCheck(check: HeadCheck): string {
  return `"${check.name}"${check.description ? ` (${check.description})` : ''}${check.url ? ` ${check.url}` : ''}`
}

export async function landPullRequest(api: MergeApi, options: LandOptions): Promise<Landed> {
  const clock = options.clock ?? systemClock
  const { number, method } = options
  const deadline = clock.now() + options.timeoutMs
  const policy = mergePollPolicy(options.timeoutMs)
  let calls = 0
  let rebuilds = 0
  const poll = async (): Promise<PullStatus> => {
    calls++
    return api.pull(number)
  }

  let pull = await poll()
  let head = options.head ?? pull.headSha
  /** Waits until GitHub shows the head the action wrote; another head is someone else's push. */
  const settleHead = async (): Promise<void> => {
    for (let i = 0; i < HEAD_SETTLE_POLLS && pull.headSha !== head && pull.state === 'open'; i++) {
      await clock.sleep(HEAD_SETTLE_MS)
      pull = await poll()
    }
    if (pull.headSha !== head && pull.state === 'open') throw someoneElsePushed()
  }
  const someoneElsePushed = () =>
    new MergeFailure(
      `Someone else pushed to the branch of pull request #${number} (head ${pull.headSha}, the action wrote ${head}): ` +
        `not merging what the action did not write. ${pull.url}`,
    )
  let armed = false
  let noticed = false
  let lastState = pull.mergeableState
  const landed = (sha: string, via: Landed['via']): Landed => {
    core.info(`Pull request #${number} merged (${via}): ${sha} is on the base branch`)
    return { sha, via, url: pull.url, calls, rebuilds }
  }

  /** Arms auto-merge or enqueues; merges directly when GitHub says there is nothing to wait for. */
  const arm = async (): Promise<Landed | undefined> => {
    throwIfCancelled()
    if (options.mergeQueue) {
      calls++
      const queued = await api.enqueue(pull.nodeId, head)
      if (queued !== 'queued')
        throw new MergeFailure(`GitHub did not add pull request #${number} to the merge queue: ${queued.refused}`)
      armed = true
      core.info(`Added pull request #${number} to the merge queue`)
      return undefined
    }
    if (options.autoMergeAllowed) {
      calls++
      const result = await api.enableAutoMerge(pull.nodeId, head, method, options.message(pull))
      if (result === 'armed') {
        armed = true
        core.info(`Auto-merge (${method}) armed on pull request #${number} at ${head}`)
        return undefined
      }
      if (!/in (clean|unstable) status/i.test(result.refused)) {
        if (/auto.?merge is not allowed/i.test(result.refused)) return notAllowed()
        throw new MergeFailure(`GitHub refused to enable auto-merge on pull request #${number}: ${result.refused}`)
      }
      core.info(`Pull request #${number} can be merged now; merging it directly`)
      return direct()
    }
    return notAllowed()
  }

  const notAllowed = async (): Promise<Landed | undefined> => {
    if (!noticed) {
      core.notice(
        `Auto-merge is not allowed in ${api.fullName} (Settings → General → "Allow auto-merge"): ` +
          `the action merges pull request #${number} itself once GitHub reports it mergeable.`,
      )
      noticed = true
    }
    return pull.mergeable === true && /^(clean|unstable|has_hooks)$/.test(pull.mergeableState) ? direct() : undefined
  }

  /** A direct merge at the head we wrote; a refusal (not mergeable yet, head moved) keeps the wait going. */
  const direct = async (): Promise<Landed | undefined> => {
    throwIfCancelled()
    calls++
    // A cancelled job lets a merge on its way land, and reports it.
    const result = await letFinish(api.merge(number, head, method, options.message(pull)))
    if ('sha' in result) return landed(result.sha, 'direct merge')
    core.info(`GitHub did not merge pull request #${number} yet: ${result.refused}`)
    if (isMethodRefusal(result))
      throw new MergeFailure(`GitHub refused to merge pull request #${number}: ${result.refused}`)
    return undefined
  }

  if (pull.merged && pull.mergeCommitSha !== undefined) return landed(pull.mergeCommitSha, 'direct merge')
  if (pull.state === 'closed') return closed()
  await settleHead()
  const first = await arm()
  if (first !== undefined) return first

  for (let attempt = 1; ; attempt++) {
    const wait = Math.min(pollDelay(policy, attempt), Math.max(0, deadline - clock.now()))
    if (clock.now() >= deadline) return timedOut()
    await clock.sleep(wait)
    pull = await poll()
    if (pull.mergeableState !== lastState) {
      lastState = pull.mergeableState
      core.info(
        `Pull request #${number} is ${lastState} (GitHub's mergeable_state)${armed ? '; waiting for GitHub to merge it' : ''}`,
      )
    }

    if (pull.merged && pull.mergeCommitSha !== undefined) {
      return landed(pull.mergeCommitSha, options.mergeQueue ? 'merge queue' : armed ? 'auto-merge' : 'direct merge')
    }
    if (pull.state === 'closed') return closed()
    if (armed && !options.mergeQueue && pull.autoMerge === undefined && pull.headSha === head) {
      throw new MergeFailure(
        `Auto-merge of pull request #${number} was disabled (by a person, or by GitHub after a push by someone without write access): ` +
          `it will not merge by itself. ${pull.url}`,
      )
    }
    if (pull.headSha !== head) throw someoneElsePushed()
    switch (pull.mergeableState) {
      case 'dirty':
      case 'behind': {
        core.info(
          `Pull request #${number} ${pull.mergeableState === 'dirty' ? 'conflicts with' : 'is behind'} the base branch; rebuilding it on the new base`,
        )
        rebuilds++
        throwIfCancelled()
        head = await options.rebuild()
        pull = await poll()
        await settleHead()
        if (pull.merged && pull.mergeCommitSha !== undefined)
          return landed(pull.mergeCommitSha, armed ? 'auto-merge' : 'direct merge')
        if (pull.state === 'closed') return closed()
        // GitHub keeps auto-merge armed across pushes by the action (it has write access); arm again only when it did not.
        if (armed && !options.mergeQueue && pull.autoMerge !== undefined) break
        armed = false
        const after = await arm()
        if (after !== undefined) return after
        break
      }
      case 'blocked': {
        calls++
        const { checks } = await api.headChecks(number)
        const failing = checks.filter((check) => check.required && FAILED.has(check.state))
        if (failing.length > 0) {
          throw new MergeFailure(
            `Required check${failing.length === 1 ? '' : 's'} failed on pull request #${number}: ` +
              `${failing.map(describeCheck).join('; ')}. The pull request stays open for a fix: ${pull.url}`,
          )
        }
        break
      }
      case 'clean':
      case 'unstable':
      case 'has_hooks':
        if (!armed) {
          const merged = await direct()
          if (merged !== undefined) return merged
        }
        break
      default:
        break
    }
  }

  async function closed(): Promise<never> {
    calls++
    const by = await api.closedBy(number)
    throw new MergeFailure(
      `Pull request #${number} was closed without merging${by ? ` by ${by}` : ''}: nothing was deployed. ${pull.url}`,
    )
  }

  async function timedOut(): Promise<never> {
    calls++
    const { checks, reviewDecision } = await api
      .headChecks(number)
      .catch(() => ({ checks: [], reviewDecision: undefined }))
    const pending = checks.filter((check) => check.required && !PASSED.has(check.state))
    const waitingFor = [
      ...pending.map((check) => `check ${describeCheck(check)} is ${check.state.toLowerCase()}`),
      ...(reviewDecision === 'REVIEW_REQUIRED' || reviewDecision === 'CHANGES_REQUESTED'
        ? [`reviews (${reviewDecision.toLowerCase().replace('_', ' ')})`]
        : []),
    ]
    const state =
      waitingFor.length > 0
        ? `still waiting for: ${waitingFor.join('; ')}`
        : `GitHub reports it ${pull.mergeableState}${pull.mergeableState === 'blocked' ? ' (required checks that have not reported yet, or reviews)' : ''}`
    const armedNote = armed
      ? options.mergeQueue
        ? 'It is still in the merge queue and may merge later, unverified.'
        : 'Auto-merge is still armed: it may merge later, unverified.'
      : 'Auto-merge is not armed: it will not merge by itself.'
    throw new MergeFailure(
      `Pull request #${number} was not merged within ${formatDuration(options.timeoutMs)} (merge-timeout): ${state}. ${armedNote} ${pull.url}`,
    )
  }
}

/** A refusal no waiting can fix: the method is not allowed. */
function isMethodRefusal(result: Refusal): boolean {
  return /(merges|commits) are not allowed on this repository/i.test(result.refused)
}
