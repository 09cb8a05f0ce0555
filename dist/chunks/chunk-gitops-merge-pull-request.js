import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  updatePullRequest,
  writeBack
} from "./chunk-gitops-pull-request.js";
import {
  readManifestTarget
} from "./chunk-manifests-gotemplate.js";
import {
  planRevert,
  readIfPresent
} from "./chunk-verify-revert-plan.js";
import {
  formatDuration
} from "./chunk-util-duration.js";
import {
  letFinish,
  settleOutput,
  throwIfCancelled
} from "./chunk-cancel.js";
import {
  PROTECTED_BRANCH_ADVICE
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import {
  systemClock
} from "./chunk-net-budget.js";
import {
  InputError
} from "./chunk-errors.js";
import {
  info,
  notice,
  setOutput,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/gitops/merge-pull-request.ts
var MergeFailure = class extends Error {
  constructor(message) {
    super(message);
    this.name = "MergeFailure";
  }
};
var HEAD_SETTLE_POLLS = 5;
var HEAD_SETTLE_MS = 1e3;
function mergePollPolicy(timeoutMs) {
  const maxDelayMs = Math.min(15e3, Math.max(1e3, Math.round(timeoutMs / 20)));
  return { baseDelayMs: Math.min(2e3, maxDelayMs), maxDelayMs };
}
function pollDelay(policy, attempt) {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}
var FAILED = /* @__PURE__ */ new Set(["FAILURE", "ERROR", "CANCELLED", "TIMED_OUT", "ACTION_REQUIRED", "STARTUP_FAILURE"]);
var PASSED = /* @__PURE__ */ new Set(["SUCCESS", "NEUTRAL", "SKIPPED"]);
function describeCheck(check) {
  return `"${check.name}"${check.description ? ` (${check.description})` : ""}${check.url ? ` ${check.url}` : ""}`;
}
async function landPullRequest(api, options) {
  const clock = options.clock ?? systemClock;
  const { number, method } = options;
  const deadline = clock.now() + options.timeoutMs;
  const policy = mergePollPolicy(options.timeoutMs);
  let calls = 0;
  let rebuilds = 0;
  const poll = async () => {
    calls++;
    return api.pull(number);
  };
  let pull = await poll();
  let head = options.head ?? pull.headSha;
  const settleHead = async () => {
    for (let i = 0; i < HEAD_SETTLE_POLLS && pull.headSha !== head && pull.state === "open"; i++) {
      await clock.sleep(HEAD_SETTLE_MS);
      pull = await poll();
    }
    if (pull.headSha !== head && pull.state === "open") throw someoneElsePushed();
  };
  const someoneElsePushed = () => new MergeFailure(
    `Someone else pushed to the branch of pull request #${number} (head ${pull.headSha}, the action wrote ${head}): not merging what the action did not write. ${pull.url}`
  );
  let armed = false;
  let noticed = false;
  let lastState = pull.mergeableState;
  const landed = (sha, via) => {
    info(`Pull request #${number} merged (${via}): ${sha} is on the base branch`);
    return { sha, via, url: pull.url, calls, rebuilds };
  };
  const arm = async () => {
    throwIfCancelled();
    if (options.mergeQueue) {
      calls++;
      const queued = await api.enqueue(pull.nodeId, head);
      if (queued !== "queued")
        throw new MergeFailure(`GitHub did not add pull request #${number} to the merge queue: ${queued.refused}`);
      armed = true;
      info(`Added pull request #${number} to the merge queue`);
      return void 0;
    }
    if (options.autoMergeAllowed) {
      calls++;
      const result = await api.enableAutoMerge(pull.nodeId, head, method, options.message(pull));
      if (result === "armed") {
        armed = true;
        info(`Auto-merge (${method}) armed on pull request #${number} at ${head}`);
        return void 0;
      }
      if (!/in (clean|unstable) status/i.test(result.refused)) {
        if (/auto.?merge is not allowed/i.test(result.refused)) return notAllowed();
        throw new MergeFailure(`GitHub refused to enable auto-merge on pull request #${number}: ${result.refused}`);
      }
      info(`Pull request #${number} can be merged now; merging it directly`);
      return direct();
    }
    return notAllowed();
  };
  const notAllowed = async () => {
    if (!noticed) {
      notice(
        `Auto-merge is not allowed in ${api.fullName} (Settings \u2192 General \u2192 "Allow auto-merge"): the action merges pull request #${number} itself once GitHub reports it mergeable.`
      );
      noticed = true;
    }
    return pull.mergeable === true && /^(clean|unstable|has_hooks)$/.test(pull.mergeableState) ? direct() : void 0;
  };
  const direct = async () => {
    throwIfCancelled();
    calls++;
    const result = await letFinish(api.merge(number, head, method, options.message(pull)));
    if ("sha" in result) return landed(result.sha, "direct merge");
    info(`GitHub did not merge pull request #${number} yet: ${result.refused}`);
    if (isMethodRefusal(result))
      throw new MergeFailure(`GitHub refused to merge pull request #${number}: ${result.refused}`);
    return void 0;
  };
  if (pull.merged && pull.mergeCommitSha !== void 0) return landed(pull.mergeCommitSha, "direct merge");
  if (pull.state === "closed") return closed();
  await settleHead();
  const first = await arm();
  if (first !== void 0) return first;
  for (let attempt = 1; ; attempt++) {
    const wait = Math.min(pollDelay(policy, attempt), Math.max(0, deadline - clock.now()));
    if (clock.now() >= deadline) return timedOut();
    await clock.sleep(wait);
    pull = await poll();
    if (pull.mergeableState !== lastState) {
      lastState = pull.mergeableState;
      info(
        `Pull request #${number} is ${lastState} (GitHub's mergeable_state)${armed ? "; waiting for GitHub to merge it" : ""}`
      );
    }
    if (pull.merged && pull.mergeCommitSha !== void 0) {
      return landed(pull.mergeCommitSha, options.mergeQueue ? "merge queue" : armed ? "auto-merge" : "direct merge");
    }
    if (pull.state === "closed") return closed();
    if (armed && !options.mergeQueue && pull.autoMerge === void 0 && pull.headSha === head) {
      throw new MergeFailure(
        `Auto-merge of pull request #${number} was disabled (by a person, or by GitHub after a push by someone without write access): it will not merge by itself. ${pull.url}`
      );
    }
    if (pull.headSha !== head) throw someoneElsePushed();
    switch (pull.mergeableState) {
      case "dirty":
      case "behind": {
        info(
          `Pull request #${number} ${pull.mergeableState === "dirty" ? "conflicts with" : "is behind"} the base branch; rebuilding it on the new base`
        );
        rebuilds++;
        throwIfCancelled();
        head = await options.rebuild();
        pull = await poll();
        await settleHead();
        if (pull.merged && pull.mergeCommitSha !== void 0)
          return landed(pull.mergeCommitSha, armed ? "auto-merge" : "direct merge");
        if (pull.state === "closed") return closed();
        if (armed && !options.mergeQueue && pull.autoMerge !== void 0) break;
        armed = false;
        const after = await arm();
        if (after !== void 0) return after;
        break;
      }
      case "blocked": {
        calls++;
        const { checks } = await api.headChecks(number);
        const failing = checks.filter((check) => check.required && FAILED.has(check.state));
        if (failing.length > 0) {
          throw new MergeFailure(
            `Required check${failing.length === 1 ? "" : "s"} failed on pull request #${number}: ${failing.map(describeCheck).join("; ")}. The pull request stays open for a fix: ${pull.url}`
          );
        }
        break;
      }
      case "clean":
      case "unstable":
      case "has_hooks":
        if (!armed) {
          const merged = await direct();
          if (merged !== void 0) return merged;
        }
        break;
      default:
        break;
    }
  }
  async function closed() {
    calls++;
    const by = await api.closedBy(number);
    throw new MergeFailure(
      `Pull request #${number} was closed without merging${by ? ` by ${by}` : ""}: nothing was deployed. ${pull.url}`
    );
  }
  async function timedOut() {
    calls++;
    const { checks, reviewDecision } = await api.headChecks(number).catch(() => ({ checks: [], reviewDecision: void 0 }));
    const pending = checks.filter((check) => check.required && !PASSED.has(check.state));
    const waitingFor = [
      ...pending.map((check) => `check ${describeCheck(check)} is ${check.state.toLowerCase()}`),
      ...reviewDecision === "REVIEW_REQUIRED" || reviewDecision === "CHANGES_REQUESTED" ? [`reviews (${reviewDecision.toLowerCase().replace("_", " ")})`] : []
    ];
    const state = waitingFor.length > 0 ? `still waiting for: ${waitingFor.join("; ")}` : `GitHub reports it ${pull.mergeableState}${pull.mergeableState === "blocked" ? " (required checks that have not reported yet, or reviews)" : ""}`;
    const armedNote = armed ? options.mergeQueue ? "It is still in the merge queue and may merge later, unverified." : "Auto-merge is still armed: it may merge later, unverified." : "Auto-merge is not armed: it will not merge by itself.";
    throw new MergeFailure(
      `Pull request #${number} was not merged within ${formatDuration(options.timeoutMs)} (merge-timeout): ${state}. ${armedNote} ${pull.url}`
    );
  }
}
function isMethodRefusal(result) {
  return /(merges|commits) are not allowed on this repository/i.test(result.refused);
}

// src/writeback/merge.ts
var SETTING_NAMES = {
  merge: { label: "Allow merge commits", field: "mergeCommitAllowed" },
  squash: { label: "Allow squash merging", field: "squashMergeAllowed" },
  rebase: { label: "Allow rebase merging", field: "rebaseMergeAllowed" }
};
async function checkBranchWrites(gitops, settings, target) {
  const base = target.base;
  if (settings.mode === "push" && target.snapshot.protected === true && !await gitops.merges.canPush(base)) {
    throw new Error(
      `Cannot commit to ${base} in ${gitops.merges.fullName}: GitHub says the token may not push to it. ${PROTECTED_BRANCH_ADVICE}`
    );
  }
  const merge = settings.merge;
  if (merge === void 0) return void 0;
  return checkMergeMethod(gitops.merges, base, merge);
}
async function checkMergeMethod(merges, base, merge) {
  const repository = await merges.readSettings(base);
  if (!repository.allowed[merge.method]) {
    const { label, field } = SETTING_NAMES[merge.method];
    const allowed = Object.keys(repository.allowed).filter((method) => repository.allowed[method]);
    throw new InputError(
      "merge",
      `"${merge.method}": ${merges.fullName} does not allow it (the repository setting "${label}", \`${field}\`, is off). ` + (allowed.length > 0 ? `Use ${allowed.map((method) => `\`merge: ${method}\``).join(" or ")}, or turn "${label}" on in Settings \u2192 General \u2192 Pull Requests.` : `Turn "${label}" on in Settings \u2192 General \u2192 Pull Requests.`)
    );
  }
  if (repository.mergeQueue) info(`${base} requires a merge queue: the pull request will be enqueued`);
  else if (!repository.autoMergeAllowed)
    info(`Auto-merge is not allowed in ${merges.fullName}: the action will merge directly once GitHub allows it`);
  return { merge, repository };
}
function mergeCommitMessage(method, pull, head, commitMessage) {
  const [headline = "", ...rest] = commitMessage.split("\n");
  const details = rest.join("\n").trim();
  if (method === "merge") {
    return {
      headline: `Merge pull request #${pull.number} from ${head.owner}/${head.branch}`,
      body: details === "" ? pull.title : `${pull.title}

${details}`
    };
  }
  return { headline: `${pull.title} (#${pull.number})`, body: details === "" ? headline : `${headline}

${details}` };
}
async function landWriteBack(gitops, settings, merging, outcome, rewrite, commitMessage = (pull) => mergeCommitMessage(
  merging.merge.method,
  pull,
  { owner: gitops.merges.owner, branch: settings.branch },
  outcome.commitMessage
)) {
  const pullRequest = outcome.pullRequest;
  if (pullRequest === void 0) {
    info("No pull request to merge: the base branch already runs these images.");
    return { outcome };
  }
  let latest = outcome;
  setOutput("pull-request-number", String(pullRequest.number));
  setOutput("pull-request-url", pullRequest.url);
  const landed = await landPullRequest(
    gitops.merges,
    landing(merging, pullRequest.number, outcome.commitSha, commitMessage, async () => {
      latest = await rewrite();
      return latest.commitSha ?? (await gitops.repository.findBranch(settings.branch))?.commitSha ?? "";
    })
  );
  return {
    outcome: { ...latest, pullRequest, written: true, commitSha: landed.sha, merged: true },
    landed
  };
}
function revertBranch(branch) {
  return `revert/${branch}`;
}
async function revertThroughPullRequest(gitops, branch, merging, base, written, message) {
  const repository = gitops.repository;
  const [title = "Revert"] = message.split("\n");
  const prepare = async (snapshot) => {
    const current = /* @__PURE__ */ new Map();
    for (const file of written) current.set(file.path, await readIfPresent(repository, snapshot, file.path));
    return planRevert(written, current);
  };
  const write = async () => updatePullRequest(repository, {
    base,
    initial: await repository.snapshot(base),
    branch,
    message,
    title,
    labels: [],
    prepare,
    body: () => message.split("\n").slice(1).join("\n").trim()
  });
  let outcome = await write();
  const plan = outcome.prepared;
  for (const item of plan.restored) info(`Revert: restored ${item.description}`);
  for (const item of plan.leftAlone) warning(`Revert: left alone ${item.description}`);
  const pullRequest = outcome.pullRequest;
  if (pullRequest === void 0) return { plan };
  info(`Revert pull request #${pullRequest.number}: ${pullRequest.url}`);
  const landed = await landPullRequest(
    gitops.merges,
    landing(
      merging,
      pullRequest.number,
      outcome.commitSha,
      (pull) => mergeCommitMessage(merging.merge.method, pull, { owner: gitops.merges.owner, branch }, message),
      async () => {
        outcome = await write();
        return outcome.commitSha ?? (await repository.findBranch(branch))?.commitSha ?? "";
      }
    )
  );
  return { plan: outcome.prepared, commitSha: landed.sha, pullRequestUrl: pullRequest.url };
}
async function mergeWriteBack(gitops, settings, merging, written, digests) {
  const rewrite = async () => writeBack(gitops, settings, await readManifestTarget(gitops, settings), digests, written.source);
  const { outcome } = await landWriteBack(gitops, settings, merging, written, rewrite);
  if (outcome.commitSha !== void 0) settleOutput("commit-sha", outcome.commitSha);
  return {
    outcome,
    reverter: (base, files, message) => revertThroughPullRequest(gitops, revertBranch(settings.branch), merging, base, files, message)
  };
}
function landing(merging, number, head, message, rebuild) {
  return {
    number,
    ...head !== void 0 && { head },
    method: merging.merge.method,
    timeoutMs: merging.merge.timeoutMs,
    autoMergeAllowed: merging.repository.autoMergeAllowed,
    mergeQueue: merging.repository.mergeQueue,
    message,
    rebuild
  };
}

export {
  checkBranchWrites,
  checkMergeMethod,
  mergeCommitMessage,
  landWriteBack,
  revertBranch,
  revertThroughPullRequest,
  mergeWriteBack
};
