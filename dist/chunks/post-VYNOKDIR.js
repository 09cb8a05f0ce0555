import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-PZGVM4CR.js";
import {
  warning
} from "./chunk-F75LNI7Q.js";
import "./chunk-PUMHU2BD.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./docker-WJEJQHTK.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
