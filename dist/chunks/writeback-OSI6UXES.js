import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-JFM6Z6QW.js";
import "./chunk-CIJ7MMXP.js";
import "./chunk-C7NBTRVT.js";
import "./chunk-NR5R2VYU.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-ZF7ZNZLC.js";
import "./chunk-US27CTTI.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
