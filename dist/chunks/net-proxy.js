import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  bypassesProxy,
  proxiedFetch,
  proxyFor
} from "./chunk-net-proxy.js";
import "./chunk-esbuild-runtime.js";
export {
  bypassesProxy,
  proxiedFetch,
  proxyFor
};
