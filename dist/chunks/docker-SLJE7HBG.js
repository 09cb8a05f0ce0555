import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-HKUQCATG.js";
import "./chunk-36VCTJOA.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
