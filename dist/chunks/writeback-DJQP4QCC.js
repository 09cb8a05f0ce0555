import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
} from "./chunk-QJRWSA2J.js";
import "./chunk-FILMUOKY.js";
import "./chunk-K3A45G6D.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-MIUV5ST3.js";
import "./chunk-PUMHU2BD.js";
export {
  deploymentFacts,
  openGitOps,
  readManifestTarget,
  writeBack
};
