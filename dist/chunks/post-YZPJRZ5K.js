import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-CBURIO7P.js";
import {
  warning
} from "./chunk-ZF7ZNZLC.js";
import "./chunk-PUMHU2BD.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./docker-E67DAW6A.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
