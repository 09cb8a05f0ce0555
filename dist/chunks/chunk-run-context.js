import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/run-context.ts
function runUrl(run) {
  return run.runId === "" ? "" : `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`;
}
async function loadRunnerContext() {
  return (await import("./actions-github-lib-github.js")).context;
}
function workspaceOf(env) {
  return env.GITHUB_WORKSPACE || process.cwd();
}
function runContext(github, env) {
  return {
    apiUrl: github.apiUrl.replace(/\/+$/, ""),
    serverUrl: github.serverUrl.replace(/\/+$/, ""),
    graphqlUrl: github.graphqlUrl,
    repository: repositoryOf(github),
    sha: github.sha ?? "",
    runId: Number.isSafeInteger(github.runId) ? String(github.runId) : "",
    workspace: workspaceOf(env),
    eventName: github.eventName ?? "",
    payload: github.payload
  };
}
function repositoryOf(github) {
  try {
    const { owner, repo } = github.repo;
    return `${owner}/${repo}`;
  } catch {
    return "";
  }
}

export {
  runUrl,
  loadRunnerContext,
  workspaceOf,
  runContext
};
