import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-2GTQG26H.js";
import "./chunk-36VCTJOA.js";
import "./chunk-P2LFVUZR.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
