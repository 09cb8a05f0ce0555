import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-OIGSE4LX.js";
import "./chunk-YEH4MUPD.js";
import "./chunk-L5CFDPGS.js";
import "./chunk-C7NBTRVT.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
