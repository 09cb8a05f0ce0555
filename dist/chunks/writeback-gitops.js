import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MergeApi
} from "./chunk-gitops-merge-api.js";
import {
  GitOpsRepository
} from "./chunk-gitops-reader.js";
import "./chunk-util-pool.js";
import {
  normalizedRepository
} from "./chunk-image-reference.js";
import {
  createGitHubClient
} from "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";

// src/writeback/gitops.ts
function openGitOps(settings) {
  const client = createGitHubClient(settings.token, settings.run.apiUrl);
  const selectors = settings.images.map((image, i) => ({
    repository: normalizedRepository(image),
    ...settings.container !== void 0 && { container: settings.container },
    fields: i === 0 ? settings.fields : []
  }));
  return {
    repository: new GitOpsRepository(client, settings.gitops.owner, settings.gitops.repo),
    merges: new MergeApi(client, settings.gitops.owner, settings.gitops.repo),
    selector: selectors[0],
    selectors
  };
}
export {
  openGitOps
};
