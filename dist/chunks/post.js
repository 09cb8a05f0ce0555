import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-errors.js";
import {
  warning
} from "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./registry-docker.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
