import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-VB5ZPZRX.js";
import "./chunk-NVQKAE6Y.js";
import "./chunk-ZM2KKKY4.js";
import "./chunk-C7NBTRVT.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-PZGVM4CR.js";
import "./chunk-RD2IH7Q4.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
