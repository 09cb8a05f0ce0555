import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-CBURIO7P.js";
import {
  warning
} from "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./docker-27UD6BHQ.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
