import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-KHEDGUGQ.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-F75LNI7Q.js";
import "./chunk-PUMHU2BD.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
