import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunks/chunk-ZF7ZNZLC.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
if (getState("isPost") === "true") {
  const { cleanup } = await import("./chunks/post-YZPJRZ5K.js");
  await cleanup();
} else {
  saveState("isPost", "true");
  const { run } = await import("./chunks/main-FY6WNCKN.js");
  await run();
}
