import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-XPW22BSD.js";
import "./chunk-P2CE6DX2.js";
import "./chunk-FJ6PVWB3.js";
import "./chunk-C7NBTRVT.js";
import "./chunk-IXAOUGJL.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-US27CTTI.js";
import "./chunk-QRBZU356.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
