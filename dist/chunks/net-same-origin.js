import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  CrossOriginRedirect,
  fetchSameOrigin
} from "./chunk-net-same-origin.js";
import "./chunk-esbuild-runtime.js";
export {
  CrossOriginRedirect,
  fetchSameOrigin
};
