import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-6LBGWOJN.js";
import "./chunk-ZSE4T7ZE.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-5UMDJT32.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
