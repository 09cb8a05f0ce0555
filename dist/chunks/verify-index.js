import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  Verifier,
  checkArgoCd,
  checkArgoCdApplications
} from "./chunk-net-capped-body.js";
import "./chunk-report-summary.js";
import "./chunk-run-context.js";
import "./chunk-util-bytes.js";
import "./chunk-verify-revert-plan.js";
import "./chunk-util-duration.js";
import "./chunk-gitops-writer.js";
import "./chunk-diff-libesm-diff-array.js";
import "./chunk-cancel.js";
import "./chunk-gitops-reader.js";
import "./chunk-provenance-trailers.js";
import "./chunk-util-pool.js";
import "./chunk-image-reference.js";
import "./chunk-secrets.js";
import "./chunk-verify-github.js";
import "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";
export {
  Verifier,
  checkArgoCd,
  checkArgoCdApplications
};
