import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  GitHubDeployment,
  OPEN_DEPLOYMENT_STATE
} from "./chunk-verify-github.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";
export {
  GitHubDeployment,
  OPEN_DEPLOYMENT_STATE
};
