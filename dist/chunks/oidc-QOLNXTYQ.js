import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
} from "./chunk-LITYUNRR.js";
import "./chunk-SBHQ2S5G.js";
import "./chunk-ULWALRHP.js";
import "./chunk-SC4YUJIC.js";
import "./chunk-CBURIO7P.js";
import "./chunk-ZF7ZNZLC.js";
import "./chunk-PUMHU2BD.js";
export {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
};
