import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  writeBack
} from "./chunk-gitops-pull-request.js";
import "./chunk-report-diff.js";
import "./chunk-fleet-images.js";
import "./chunk-provenance-source.js";
import "./chunk-manifests-gotemplate.js";
import "./chunk-picomatch-index.js";
import "./chunk-manifests-json6902.js";
import "./chunk-yaml-dist-compose-compose-collection.js";
import "./chunk-gitops-writer.js";
import "./chunk-diff-libesm-diff-array.js";
import "./chunk-cancel.js";
import "./chunk-gitops-reader.js";
import "./chunk-provenance-trailers.js";
import "./chunk-util-pool.js";
import "./chunk-image-reference.js";
import "./chunk-octokit-plugin-retry-dist-bundle-index.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";
export {
  writeBack
};
