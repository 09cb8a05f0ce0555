import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunks/chunk-36WCORKW.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
if (getState("isPost") === "true") {
  const { cleanup } = await import("./chunks/post-YPPFIN2N.js");
  await cleanup();
} else {
  saveState("isPost", "true");
  const { run } = await import("./chunks/main-63PAKFW4.js");
  await run();
}
