import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  statusOf
} from "./chunk-net-retry.js";
import {
  errorMessage
} from "./chunk-errors.js";

// src/gitops/github-error.ts
var GitHubApiError = class extends Error {
  constructor(message, status, githubMessage, options) {
    super(message, options);
    this.status = status;
    this.githubMessage = githubMessage;
    this.name = "GitHubApiError";
  }
  status;
  githubMessage;
};
function gitHubMessage(error) {
  if (error instanceof GitHubApiError) return error.githubMessage;
  const shape = error;
  if (shape?.request !== void 0 && shape.response === void 0) return networkReason(error);
  const data = shape?.response?.data;
  if (data !== null && typeof data === "object" && typeof data.message === "string") {
    const { message, errors } = data;
    const details = Array.isArray(errors) ? errors.map(describeValidationError).filter(Boolean) : [];
    return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
  }
  return errorMessage(error).replace(/ - https:\/\/docs\.github\.com\S*$/, "");
}
function networkReason(error) {
  let reason = errorMessage(error);
  let current = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const { message, code } = current;
    if (typeof message === "string" && message && !/^(unknown error|fetch failed)$/i.test(message)) reason = message;
    if (typeof code === "string" && !reason.includes(code)) reason = `${reason} (${code})`;
    current = current.cause;
  }
  return `network error: ${reason}`;
}
function describeValidationError(item) {
  if (typeof item === "string") return item;
  if (item === null || typeof item !== "object") return "";
  const { message, resource, field, code } = item;
  if (typeof message === "string") return message;
  return [resource, field, code].filter((part) => typeof part === "string").join(" ");
}
function apiError(what, fullName, error, hint) {
  const status = statusOf(error);
  const message = gitHubMessage(error);
  const suffix = status === void 0 ? "" : ` (HTTP ${status})`;
  return new GitHubApiError(`${what} in ${fullName}: ${message}${suffix}${hint ? `. ${hint}` : ""}`, status, message, {
    cause: error
  });
}
function writeAccessHint(fullName, status, pullRequests, message = "") {
  if (/protected branch|rule violations?/i.test(message)) {
    return "The branch is protected (branch protection or a ruleset): use `mode: pr`, or let the token bypass the protection";
  }
  if (status === 401) return "GitHub rejected the token (expired or revoked); pass a valid token in the `token` input";
  if (status !== 403 && status !== 404) return void 0;
  const permissions = pullRequests ? "`contents: write` and `pull-requests: write`" : "`contents: write`";
  return `The token needs ${permissions} on ${fullName}. The default GITHUB_TOKEN only reaches the workflow's own repository; for another repository pass a GitHub App installation token or a fine-grained token in the \`token\` input`;
}
function isRefConflict(error) {
  return statusOf(error) === 422 && /not a fast.?forward|reference cannot be updated/i.test(gitHubMessage(error));
}
function isReferenceAlreadyExists(error) {
  return statusOf(error) === 422 && /reference already exists/i.test(gitHubMessage(error));
}
function isPullRequestAlreadyExists(error) {
  return statusOf(error) === 422 && /a pull request already exists/i.test(gitHubMessage(error));
}

export {
  gitHubMessage,
  networkReason,
  apiError,
  writeAccessHint,
  isRefConflict,
  isReferenceAlreadyExists,
  isPullRequestAlreadyExists
};
