import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  fetchThrough,
  proxyDispatcher
} from "./chunk-net-undici-proxy.js";
import "./chunk-undici-index.js";
import "./chunk-esbuild-runtime.js";
export {
  fetchThrough,
  proxyDispatcher
};
