import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  GitHubDeployment
} from "./chunk-verify-github.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import {
  setOutput
} from "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";

// src/verify/queued.ts
async function queueDeployment(settings, outcome) {
  const pull = outcome.pullRequest;
  if (pull === void 0) return;
  const { run, queuedDeployment } = settings;
  const deployment = await GitHubDeployment.continueOrCreate(
    createGitHubClient(queuedDeployment.sourceToken, run.apiUrl),
    {
      repository: run.repository,
      sha: outcome.source?.sha ?? run.sha,
      environment: queuedDeployment.environment,
      payload: { gitops_pull_request: pull.url },
      description: `Deploy through ${settings.gitops.owner}/${settings.gitops.repo}#${pull.number}`
    },
    pull.url
  );
  if (deployment === void 0) return;
  await deployment.setState("queued", `Waiting for pull request #${pull.number} to merge`, void 0, pull.url);
  setOutput("deployment-id", String(deployment.id));
}
export {
  queueDeployment
};
