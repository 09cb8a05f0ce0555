import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-NGKTS4ZE.js";
import "./chunk-QQBWU7R6.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-X2EAKSFU.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
