import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-RVFOJ3EH.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-X2EAKSFU.js";
import "./chunk-PUMHU2BD.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
