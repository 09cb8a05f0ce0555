import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-E3SLASOS.js";
import "./chunk-TSY2EAKI.js";
import "./chunk-P2LFVUZR.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
