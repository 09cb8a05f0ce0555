import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-actions-github-lib-context.js";
import "./chunk-undici-index.js";
import "./chunk-esbuild-runtime.js";
export {
  context,
  getOctokit
};
