import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  bypassesProxy,
  proxiedFetch,
  proxyFor
} from "./chunk-US27CTTI.js";
import "./chunk-PUMHU2BD.js";
export {
  bypassesProxy,
  proxiedFetch,
  proxyFor
};
