import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
} from "./chunk-XHLH53XX.js";
import "./chunk-36VCTJOA.js";
import "./chunk-ULWALRHP.js";
import "./chunk-SC4YUJIC.js";
import "./chunk-CBURIO7P.js";
import "./chunk-36WCORKW.js";
import "./chunk-PUMHU2BD.js";
export {
  IdTokenError,
  canRequestIdToken,
  missingIdTokenError,
  requestIdToken
};
