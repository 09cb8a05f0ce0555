import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatAuthor,
  splitMessage
} from "./chunk-provenance-trailers.js";
import {
  errorMessage
} from "./chunk-errors.js";
import {
  info
} from "./chunk-actions-core-lib-command.js";

// src/provenance/source.ts
var PULL_REQUEST_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target", "pull_request_review"]);
function sourceSha(context) {
  const payload = context.payload;
  const headSha = PULL_REQUEST_EVENTS.has(context.eventName) ? str(payload?.pull_request?.head?.sha) : void 0;
  return headSha ?? (context.sha || void 0);
}
async function readSourceCommit(context, client) {
  const repoUrl = context.repository === "" ? void 0 : `${context.serverUrl}/${context.repository}`;
  const payload = context.payload;
  const isPullRequest = PULL_REQUEST_EVENTS.has(context.eventName);
  const sha = sourceSha(context);
  const base = { ...repoUrl !== void 0 && { repoUrl }, ...sha !== void 0 && { sha } };
  if (sha === void 0) return base;
  const head = payload?.head_commit;
  if (!isPullRequest && head != null && str(head.id) === sha) return { ...base, ...describe(head) };
  if (client === void 0 || context.repository === "") return base;
  const [owner, repo] = context.repository.split("/");
  try {
    const { data } = await client().request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", {
      owner,
      repo,
      commit_sha: sha
    });
    return {
      ...base,
      ...describe({ message: data.message, timestamp: data.author?.date, author: data.author ?? {} })
    };
  } catch (error) {
    info(
      `Could not read commit ${sha.slice(0, 7)} of ${context.repository} (${errorMessage(error)}); the GitOps commit names it by repository and sha only. Give \`source-token\` \`contents: read\` there for the rest.`
    );
    return base;
  }
}
function describe(commit) {
  const message = str(commit.message);
  const author = formatAuthor(str(commit.author?.name), str(commit.author?.email));
  const date = str(commit.timestamp);
  return {
    ...author !== void 0 && { author },
    ...message !== void 0 && splitMessage(message),
    ...date !== void 0 && !Number.isNaN(Date.parse(date)) && { date }
  };
}
function str(value) {
  return typeof value === "string" && value !== "" ? value : void 0;
}

export {
  sourceSha,
  readSourceCommit
};
