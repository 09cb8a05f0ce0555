import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-OFVKPXAJ.js";
import "./chunk-MLOMCBKM.js";
import "./chunk-P2LFVUZR.js";
import "./chunk-CBURIO7P.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
