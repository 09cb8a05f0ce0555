import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-registry-docker.js";
import "./chunk-registry-errors.js";
import "./chunk-image-reference.js";
import "./chunk-secrets.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
