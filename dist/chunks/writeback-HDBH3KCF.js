import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-57UD2LGP.js";
import "./chunk-YUEFORME.js";
import "./chunk-QFRMGKCX.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-TXXUNNXF.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
