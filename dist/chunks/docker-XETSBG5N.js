import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
} from "./chunk-OEQMY6HM.js";
import "./chunk-4JJXYC6H.js";
import "./chunk-WLOJYVFB.js";
import "./chunk-PUMHU2BD.js";
export {
  inspectLocalImage,
  parsePushOutput,
  pushWithDocker,
  removeDockerConfig
};
