import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  require_undici
} from "./chunk-undici-index.js";
import {
  __toESM
} from "./chunk-esbuild-runtime.js";

// src/net/undici-proxy.ts
var import_undici = __toESM(require_undici(), 1);
var dispatchers = /* @__PURE__ */ new Map();
function fetchThrough(proxy, input, init) {
  let dispatcher = dispatchers.get(proxy.href);
  if (dispatcher === void 0) {
    dispatcher = new import_undici.ProxyAgent({ uri: proxy.href, proxyTunnel: false });
    dispatchers.set(proxy.href, dispatcher);
  }
  return (0, import_undici.fetch)(input, {
    ...init,
    dispatcher
  });
}
export {
  fetchThrough
};
