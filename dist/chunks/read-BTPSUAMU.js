import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-VESNALQJ.js";
import "./chunk-44AFSXKQ.js";
import "./chunk-P2LFVUZR.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
