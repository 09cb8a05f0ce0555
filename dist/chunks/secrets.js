import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  maskSecret,
  scrubCredentials,
  scrubSecrets
} from "./chunk-secrets.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";
export {
  maskSecret,
  scrubCredentials,
  scrubSecrets
};
