import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/attest/signer.ts
var REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
var WORKFLOW_PATH = /^\.github\/workflows\/[^/@*]+\.ya?ml$/;
function parseSignerWorkflow(value) {
  const text = value.trim().replace(/^https:\/\/[^/]+\//, "");
  const at = text.indexOf("@");
  const location = at === -1 ? text : text.slice(0, at);
  const ref = at === -1 ? void 0 : text.slice(at + 1);
  const parts = location.split("/");
  const repository = parts.slice(0, 2).join("/");
  const path = parts.slice(2).join("/");
  const example = "write OWNER/REPO/.github/workflows/FILE.yml, optionally followed by @refs/heads/main or @refs/tags/v*";
  if (!REPOSITORY.test(repository) || !WORKFLOW_PATH.test(path)) {
    throw new Error(`"${value.trim()}" is not a workflow: ${example}.`);
  }
  if (ref !== void 0 && !/^refs\/[^\s@]+$/.test(ref) && ref !== "*") {
    throw new Error(
      `"${value.trim()}" names the ref "${ref}": give a full ref (refs/heads/${ref || "main"}, refs/tags/\u2026, a * glob), or none for any ref.`
    );
  }
  return {
    repository: repository.toLowerCase(),
    path,
    ...ref !== void 0 && ref !== "*" && { ref },
    text: value.trim()
  };
}
function workflowOfUri(uri, serverUrl) {
  const prefix = `${serverUrl.replace(/\/+$/, "")}/`;
  if (!uri.toLowerCase().startsWith(prefix.toLowerCase())) return void 0;
  return uri.slice(prefix.length);
}
function matchesSigner(expected, uri, serverUrl) {
  const workflow = workflowOfUri(uri, serverUrl);
  if (workflow === void 0) return false;
  const at = workflow.indexOf("@");
  if (at === -1) return false;
  const parts = workflow.slice(0, at).split("/");
  const repository = parts.slice(0, 2).join("/").toLowerCase();
  const path = parts.slice(2).join("/");
  if (repository !== expected.repository || path !== expected.path) return false;
  return expected.ref === void 0 || refPattern(expected.ref).test(workflow.slice(at + 1));
}
function refPattern(ref) {
  const escaped = ref.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

export {
  parseSignerWorkflow,
  workflowOfUri,
  matchesSigner
};
