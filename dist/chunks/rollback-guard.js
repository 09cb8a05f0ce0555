import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  sourceSha
} from "./chunk-provenance-source.js";
import {
  checkManifests
} from "./chunk-manifests-json6902.js";
import "./chunk-yaml-dist-compose-compose-collection.js";
import {
  namesRepository,
  parseReferenceTrailers
} from "./chunk-provenance-trailers.js";
import {
  formatReference
} from "./chunk-image-reference.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import {
  errorMessage
} from "./chunk-errors.js";
import {
  info,
  notice,
  warning
} from "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";

// src/rollback/guard.ts
var COMMITS_SEARCHED = 20;
async function checkRollback(settings, repository, selectors, target) {
  const { run } = settings;
  const ours = sourceSha(run) ?? "";
  if (!/^[0-9a-f]{40}$/.test(ours) || run.repository === "" || settings.sourceToken === "") {
    info("No GITHUB_SHA, repository or source-token: not checking whether this run would roll back.");
    return;
  }
  const history = /* @__PURE__ */ new Map();
  const commitsChanging = (file) => {
    if (!history.has(file))
      history.set(file, repository.commitsChanging(target.snapshot.commitSha, file, COMMITS_SEARCHED));
    return history.get(file);
  };
  const source = createGitHubClient(settings.sourceToken, run.apiUrl);
  const [owner, repo] = run.repository.split("/");
  const refusals = [];
  for (const [i, selector] of selectors.entries()) {
    const image = formatReference(settings.images[i]);
    const files = checkManifests(target.files, selector).filter((file) => file.sites.length + file.kustomize.length + file.patches.length + file.fields > 0).map((file) => file.path);
    const deployed = await lastDeployed(files, commitsChanging, settings);
    if (deployed === void 0) {
      notice(
        `${image}: no commit that changed its pin in ${repository.fullName} names the source commit it deployed (Argocd-reference-commit-sha for ${run.repository}); not checking for a rollback.`
      );
      continue;
    }
    if (deployed.sourceSha === ours) {
      info(`${image}: ${ours} is already deployed (a re-run)`);
      continue;
    }
    let status;
    try {
      const { data } = await source.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        owner,
        repo,
        basehead: `${deployed.sourceSha}...${ours}`,
        per_page: 1
      });
      status = data.status;
    } catch (error) {
      notice(
        `${image}: ${ours} and the deployed ${deployed.sourceSha} have no history in common in ${run.repository} (${errorMessage(error)}); deploying without a rollback check.`
      );
      continue;
    }
    if (status === "behind") {
      refusals.push(
        `${image}: this run's commit ${ours} is older than ${deployed.sourceSha}, which is deployed (Argocd-reference-commit-sha of ${repository.fullName}@${deployed.gitopsCommit}, the last change of ${deployed.file})`
      );
    } else if (status === "diverged") {
      notice(
        `${image}: ${ours} and the deployed ${deployed.sourceSha} are on different branches of ${run.repository}; deploying.`
      );
    }
  }
  if (refusals.length === 0) return;
  if (settings.allowRollback) {
    warning(`Rolling back on purpose (allow-rollback: true): ${refusals.join("; ")}.`);
    return;
  }
  throw new Error(
    `Refusing to roll back: ${refusals.join("; ")}. Nothing was pushed or written. A late or re-run workflow of an older commit would overwrite a newer deploy; to deploy it on purpose, set \`allow-rollback: true\`.`
  );
}
async function lastDeployed(files, commitsChanging, settings) {
  let newest;
  for (const file of files) {
    for (const commit of await commitsChanging(file)) {
      const reference = parseReferenceTrailers(commit.message);
      if (reference.sha === void 0) continue;
      if (reference.repoUrl !== void 0 && !namesRepository(reference.repoUrl, settings.run.serverUrl, settings.run.repository))
        continue;
      if (newest === void 0 || commit.date > newest.date) {
        newest = { sourceSha: reference.sha, gitopsCommit: commit.sha, file, date: commit.date };
      }
      break;
    }
  }
  return newest;
}
export {
  checkRollback
};
