import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-WO5IX7Y6.js";
import "./chunk-OGKJ6W5G.js";
import "./chunk-P2LFVUZR.js";
import "./chunk-CBURIO7P.js";
import "./chunk-ZF7ZNZLC.js";
import "./chunk-PUMHU2BD.js";
export {
  readManifestTarget,
  rereadManifests
};
