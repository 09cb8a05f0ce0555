import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunks/chunk-actions-core-lib-command.js";
import "./chunks/chunk-esbuild-runtime.js";

// src/index.ts
if (getState("isPost") === "true") {
  const { cleanup } = await import("./chunks/post.js");
  await cleanup();
} else {
  saveState("isPost", "true");
  const { run } = await import("./chunks/main.js");
  await run();
}
