import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-5XMO2BA6.js";
import "./chunk-JI67ITG4.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-QFRMGKCX.js";
import "./chunk-TXXUNNXF.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
