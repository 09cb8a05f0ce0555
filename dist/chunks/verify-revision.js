import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MergeApi
} from "./chunk-gitops-merge-api.js";
import {
  checkMergeMethod,
  revertThroughPullRequest
} from "./chunk-gitops-merge-pull-request.js";
import "./chunk-gitops-pull-request.js";
import "./chunk-report-diff.js";
import "./chunk-fleet-images.js";
import "./chunk-provenance-source.js";
import "./chunk-manifests-gotemplate.js";
import "./chunk-picomatch-index.js";
import "./chunk-manifests-json6902.js";
import "./chunk-yaml-dist-compose-compose-collection.js";
import {
  Verifier,
  checkArgoCdApplications,
  short
} from "./chunk-net-capped-body.js";
import "./chunk-report-summary.js";
import {
  runUrl
} from "./chunk-run-context.js";
import "./chunk-util-bytes.js";
import {
  splitLines
} from "./chunk-verify-revert-plan.js";
import "./chunk-util-duration.js";
import "./chunk-gitops-writer.js";
import {
  diffArrays
} from "./chunk-diff-libesm-diff-array.js";
import "./chunk-cancel.js";
import {
  GitOpsRepository
} from "./chunk-gitops-reader.js";
import {
  namesSource,
  parseReferenceTrailers
} from "./chunk-provenance-trailers.js";
import "./chunk-util-pool.js";
import "./chunk-image-reference.js";
import "./chunk-secrets.js";
import {
  GitHubDeployment
} from "./chunk-verify-github.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import {
  group,
  info,
  notice,
  setOutput
} from "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";

// src/verify/revision-pins.ts
var PINNED = /@sha256:[0-9a-f]{64}/;
function pinnedChange(path, parent, revision) {
  const before = [];
  const changes = [];
  let removed = [];
  let added = [];
  const flush = () => {
    if (removed.length === added.length) {
      added.forEach((line, i) => {
        const old = removed[i];
        const pin = PINNED.test(line) && line !== old;
        if (pin) changes.push({ line: before.length + 1, from: value(old), to: value(line) });
        before.push(pin ? old : line);
      });
    } else {
      before.push(...added);
    }
    removed = [];
    added = [];
  };
  for (const part of diffArrays(splitLines(parent), splitLines(revision))) {
    if (part.removed) removed.push(...part.value);
    else if (part.added) added.push(...part.value);
    else {
      flush();
      before.push(...part.value);
    }
  }
  flush();
  if (changes.length === 0) return void 0;
  return { path, before: before.join(""), after: revision, changes };
}
function value(line) {
  const match = /^\s*(?:-\s+)?[\w.-]+:\s*["']?([^"'#\s]+)/.exec(line);
  return match?.[1] ?? line.trim();
}

// src/verify/revision.ts
async function verifyRevision(settings) {
  const { run, verify } = settings;
  const client = createGitHubClient(settings.token, run.apiUrl);
  const repository = new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo);
  const revision = await group("Find the GitOps commit", () => findRevision(settings, repository));
  if (revision === void 0) return;
  const reverter = settings.merge && await revertsThroughPullRequests(settings.merge, repository, client, revision);
  const argo = await group(
    "Check Argo CD",
    () => checkArgoCdApplications(verify, {
      repository: repository.fullName,
      base: revision.base,
      baseIsDefault: settings.base === void 0,
      serverUrl: run.serverUrl,
      files: revision.written.map((file) => file.path)
    })
  );
  const verifier = new Verifier({ run }, verify, repository, argo);
  const change = {
    revision: revision.sha,
    // Only its image pins are ever reverted, and only while they still hold what it wrote.
    committed: true,
    base: revision.base,
    written: revision.written,
    pinnedImage: "",
    digest: "",
    source: revision.source
  };
  const result = await group(
    "Verify the deployment",
    () => verifier.run(change, () => continueDeployment(settings, revision), reverter)
  );
  setOutput("changed", "false");
  await verifier.report(result);
}
async function findRevision(settings, repository) {
  const { run } = settings;
  const event = run.payload;
  const inGitOps = run.repository.toLowerCase() === repository.fullName.toLowerCase();
  const pull = run.eventName.startsWith("pull_request") ? event.pull_request : void 0;
  const base = settings.base ?? (inGitOps ? text(pull?.base?.ref) ?? text(event.ref)?.replace(/^refs\/heads\//, "") : void 0) ?? await repository.defaultBranch();
  let sha = settings.revision;
  if (sha === void 0 && inGitOps && pull !== void 0 && event.action === "closed") {
    if (pull.merged !== true) {
      notice(`Pull request #${String(pull.number)} was closed without merging: nothing to verify.`);
      return void 0;
    }
    sha = text(pull.merge_commit_sha);
  }
  if (sha === void 0 && inGitOps && pull === void 0 && run.sha !== "") sha = run.sha;
  sha ??= (await repository.snapshot(base)).commitSha;
  const commit = await repository.readCommit(sha);
  info(`Verifying ${commit.sha} of ${repository.fullName} (${base}): ${commit.message.split("\n", 1)[0]}`);
  const source = await sourceOf(repository, commit);
  const parent = commit.parents[0];
  const written = parent === void 0 ? [] : await pinsOf(repository, base, parent, commit.sha);
  if (written.length === 0) info(`${short(commit.sha)} changed no image pin: a revert would have nothing to undo.`);
  return { sha: commit.sha, base, written, source };
}
async function sourceOf(repository, commit) {
  const own = parseReferenceTrailers(commit.message);
  if (namesSource(own) || commit.parents.length < 2) return own;
  const merged = await repository.readCommit(commit.parents[1]);
  return parseReferenceTrailers(merged.message);
}
async function pinsOf(repository, base, parent, sha) {
  const files = (await repository.changedFiles(parent, sha)).filter(
    (file) => file.status === "modified" && /\.ya?ml$/i.test(file.path)
  );
  if (files.length === 0) return [];
  const paths = files.map((file) => file.path);
  const at = (commitSha) => repository.readFiles({ branch: base, commitSha, treeSha: "" }, paths);
  const [before, after] = await Promise.all([at(parent), at(sha)]);
  return paths.flatMap((path, i) => pinnedChange(path, before[i].content, after[i].content) ?? []);
}
async function continueDeployment(settings, revision) {
  const { verify, run } = settings;
  if (verify.environment === void 0) return void 0;
  const source = revision.source;
  const repository = namesSource(source) ? repositoryOf(source.repoUrl, run.serverUrl) : void 0;
  if (!namesSource(source) || repository === void 0) {
    notice(
      `${short(revision.sha)} names no source commit on ${run.serverUrl} (no Argocd-reference-commit trailers): verified all the same, without a GitHub deployment for "${verify.environment}".`
    );
    return void 0;
  }
  return GitHubDeployment.continueOrCreate(createGitHubClient(verify.sourceToken, run.apiUrl), {
    repository,
    sha: source.sha,
    environment: verify.environment,
    payload: { gitops_commit: revision.sha },
    description: `Deploy ${short(revision.sha)} of ${settings.gitops.owner}/${settings.gitops.repo}`,
    logUrl: runUrl(run)
  });
}
function repositoryOf(repoUrl, serverUrl) {
  const prefix = `${serverUrl.replace(/\/+$/, "")}/`;
  if (!repoUrl.toLowerCase().startsWith(prefix.toLowerCase())) return void 0;
  const rest = repoUrl.slice(prefix.length).replace(/\.git$/, "").replace(/\/+$/, "");
  return /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(rest) ? rest : void 0;
}
function text(value2) {
  return typeof value2 === "string" && value2 !== "" ? value2 : void 0;
}
async function revertsThroughPullRequests(merge, repository, client, revision) {
  const merges = new MergeApi(client, repository.owner, repository.repo);
  const merging = await group("Check the merge settings", () => checkMergeMethod(merges, revision.base, merge));
  const branch = `revert/${short(revision.sha)}`;
  return (base, files, message) => revertThroughPullRequest({ repository, merges }, branch, merging, base, files, message);
}
export {
  verifyRevision
};
