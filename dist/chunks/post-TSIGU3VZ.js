import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  errorMessage
} from "./chunk-PZGVM4CR.js";
import {
  warning
} from "./chunk-RD2IH7Q4.js";
import "./chunk-PUMHU2BD.js";

// src/post.ts
async function cleanup() {
  try {
    const { removeDockerConfig } = await import("./docker-NO6RFTK6.js");
    await removeDockerConfig();
  } catch (error) {
    warning(`Cleanup failed: ${errorMessage(error)}`);
  }
}
export {
  cleanup
};
