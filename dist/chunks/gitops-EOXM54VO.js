import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  createGitHubClient
} from "./chunk-SWUNDKQA.js";
import {
  GitOpsRepository
} from "./chunk-GJR6D47H.js";
import "./chunk-C7NBTRVT.js";
import "./chunk-US27CTTI.js";
import "./chunk-ULWALRHP.js";
import "./chunk-SC4YUJIC.js";
import {
  normalizedRepository
} from "./chunk-P2LFVUZR.js";
import "./chunk-CBURIO7P.js";
import "./chunk-ZF7ZNZLC.js";
import "./chunk-PUMHU2BD.js";

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
    selector: selectors[0],
    selectors
  };
}
export {
  openGitOps
};
