import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  throwIfCancelled
} from "./chunk-cancel.js";
import {
  gitBlobSha
} from "./chunk-gitops-reader.js";
import {
  retry,
  statusOf,
  systemClock
} from "./chunk-net-budget.js";
import {
  info
} from "./chunk-actions-core-lib-command.js";

// src/gitops/writer.ts
var DEFAULT_DELAY_MS = 500;
var DEFAULT_PUSH_TIMEOUT_MS = 5 * 6e4;
var BaseMoved = class extends Error {
  constructor(base) {
    super(`${base} moved on`);
    this.base = base;
  }
  base;
};
function policy(delayMs, deadlineMs) {
  return {
    baseDelayMs: delayMs,
    maxDelayMs: delayMs * 32,
    ...deadlineMs !== void 0 && { deadlineMs, maxRetryAfterMs: deadlineMs }
  };
}
var SPREAD_ROUND_TRIPS = 20;
var SPREAD_GROWTH = 1.5;
var ASSUMED_ROUND_TRIP_MS = 250;
var MAX_SPREAD_MS = 6e4;
var WRITE_SPACING_MS = 1e3;
function contentionDelay(conflicts, roundTripMs, sinceLastWriteMs, random = Math.random) {
  const spread = Math.min(MAX_SPREAD_MS, SPREAD_ROUND_TRIPS * roundTripMs * SPREAD_GROWTH ** Math.max(0, conflicts - 1));
  return Math.max(Math.round(random() * spread), WRITE_SPACING_MS - sinceLastWriteMs);
}
function classifyWriteFailure(error, now = Date.now()) {
  if (error instanceof BaseMoved) return { retry: true, reason: `${error.base} moved on (someone else pushed)` };
  const limit = rateLimitWait(error, now);
  if (limit !== void 0) return { retry: true, reason: "rate limited", afterMs: limit };
  return { retry: false };
}
function rateLimitWait(error, now) {
  const status = statusOf(error);
  if (status !== 403 && status !== 429) return void 0;
  const headers = findHeaders(error);
  const retryAfter = Number(headers?.["retry-after"]);
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && headers?.["retry-after"] !== void 0) return retryAfter * 1e3;
  const reset = Number(headers?.["x-ratelimit-reset"]);
  if (String(headers?.["x-ratelimit-remaining"]) === "0" && Number.isFinite(reset))
    return Math.max(0, reset * 1e3 - now);
  return void 0;
}
function findHeaders(error) {
  for (let current = error, depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const headers = current.response?.headers;
    if (headers !== void 0) return headers;
    current = current.cause;
  }
  return void 0;
}
async function pushToBase(repo, options) {
  const { base, message } = options;
  const strategy = options.strategy ?? "graphql";
  const timeoutMs = options.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
  let snapshot = options.initial;
  let moved;
  let prepared;
  const created = /* @__PURE__ */ new Set();
  const sent = [];
  let attempts = 0;
  const landed = (commitSha) => {
    info(`Committed ${commitSha} to ${base} in ${repo.fullName}`);
    return { prepared, commitSha, attempts };
  };
  const clock = options.clock ?? systemClock;
  let conflicts = 0;
  let lastWriteAt = -Infinity;
  const attempt = async (n) => {
    attempts = n;
    if (n > 1) {
      const found = await repo.movedSince(snapshot.commitSha, base);
      if (found === void 0)
        throw new Error(`${base} disappeared from ${repo.fullName} while the action was writing to it`);
      const { head } = found;
      if (created.has(head.commitSha)) return landed(head.commitSha);
      if (prepared !== void 0 && await isOurs(repo, found, message, sent)) return landed(head.commitSha);
      snapshot = head;
      moved = found.changes === void 0 ? {} : { changes: found.changes };
    }
    prepared = await options.prepare(snapshot, moved);
    if (prepared.files.length === 0) return { prepared, attempts: n };
    throwIfCancelled();
    lastWriteAt = clock.now();
    if (strategy === "graphql" && prepared.files.every((file) => (file.mode ?? "100644") === "100644")) {
      sent.push({ parent: snapshot.commitSha, files: prepared.files });
      const result = await repo.commitOnBranch(base, snapshot.commitSha, message, prepared.files);
      if (result === "stale") throw new BaseMoved(base);
      return landed(result.sha);
    }
    const tree = await repo.createTree(snapshot.treeSha, prepared.files);
    if (tree === snapshot.treeSha) return { prepared, attempts: n };
    const commit = await repo.createCommit(message, tree, [snapshot.commitSha]);
    created.add(commit);
    if (await repo.updateBranch(base, commit, false) === "conflict") throw new BaseMoved(base);
    return landed(commit);
  };
  const classify = (error) => {
    const decision = classifyWriteFailure(error, clock.now());
    if (!decision.retry || !(error instanceof BaseMoved)) return decision;
    conflicts++;
    return {
      ...decision,
      delayMs: contentionDelay(
        conflicts,
        Math.max(1, repo.answerTimeMs ?? ASSUMED_ROUND_TRIP_MS),
        clock.now() - lastWriteAt,
        options.random
      )
    };
  };
  try {
    return await retry(attempt, {
      policy: policy(options.retryDelayMs ?? DEFAULT_DELAY_MS, timeoutMs),
      classify,
      onRetry: ({ attempt: n, delayMs, reason }) => info(`${reason} in ${repo.fullName}; attempt ${n + 1} in ${delayMs} ms, on top of the new head`),
      ...options.clock !== void 0 && { clock: options.clock }
    });
  } catch (error) {
    if (!(error instanceof BaseMoved)) throw error;
    throw new Error(
      `Could not update refs/heads/${base} in ${repo.fullName}: other workflows kept pushing to ${base} for ${Math.round(timeoutMs / 1e3)} s (${attempts} attempts). Raise \`push-timeout\`, or use \`mode: pr\`.`,
      { cause: error }
    );
  }
}
async function isOurs(repo, { head, changes }, message, sent) {
  const headline = (text) => text.split("\n", 1)[0];
  if (head.parents.length !== 1 || headline(head.message) !== headline(message)) return false;
  const candidates = sent.filter((write) => write.parent === head.parents[0]);
  if (candidates.length === 0) return false;
  const listing = changes === void 0 ? await repo.listTree(head) : void 0;
  if (listing?.truncated) return false;
  const blobAt = (path) => listing ? listing.blobs.get(path) : changes?.get(path)?.blob;
  return candidates.some((write) => write.files.every((file) => blobAt(file.path) === gitBlobSha(file.content)));
}

export {
  DEFAULT_DELAY_MS,
  policy,
  pushToBase
};
