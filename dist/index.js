import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunks/chunk-X2EAKSFU.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
if (getState("isPost") === "true") {
  const { cleanup } = await import("./chunks/post-Z6X4L6G3.js");
  await cleanup();
} else {
  saveState("isPost", "true");
  const { run } = await import("./chunks/main-XYEC4PBM.js");
  await run();
}
