import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-R6UJNAB7.js";
import "./chunk-FILMUOKY.js";
import "./chunk-LXLCSMT5.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-F75LNI7Q.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
