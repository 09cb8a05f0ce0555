import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
} from "./chunk-oidc.js";
import "./chunk-secrets.js";
import "./chunk-net-budget.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";
export {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
};
