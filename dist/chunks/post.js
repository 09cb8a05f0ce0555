import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-errors.js";
import {
  getInput,
  getState,
  info,
  warning
} from "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./registry-docker.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
  await closeOpenDeployment();
}
async function closeOpenDeployment() {
  const { OPEN_DEPLOYMENT_STATE, GitHubDeployment } = await import("./verify-github.js");
  const saved = getState(OPEN_DEPLOYMENT_STATE);
  if (saved === "") return;
  try {
    const { maskSecret } = await import("./secrets.js");
    const { createGitHubClient } = await import("./gitops-client.js");
    const token = getInput("source-token").trim();
    maskSecret(token);
    const client = createGitHubClient(token, process.env.GITHUB_API_URL || "https://api.github.com");
    const deployment = GitHubDeployment.reopen(client, saved);
    if (deployment === void 0) return;
    await deployment.setState("error", "the job was cancelled before verification finished");
    info(`GitHub deployment ${deployment.id} set to error: the job was cancelled before verification finished`);
  } catch (error) {
    warning(`Could not close the GitHub deployment left in progress: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
