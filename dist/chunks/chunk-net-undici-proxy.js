import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  require_undici
} from "./chunk-undici-index.js";
import {
  __toESM
} from "./chunk-esbuild-runtime.js";

// src/net/undici-proxy.ts
var import_undici = __toESM(require_undici(), 1);
var CONNECTIONS = 16;
var dispatchers = /* @__PURE__ */ new Map();
function proxyDispatcher(proxy) {
  let dispatcher = dispatchers.get(proxy.href);
  if (dispatcher === void 0) {
    dispatcher = new import_undici.ProxyAgent({ uri: proxy.href, proxyTunnel: false, connections: CONNECTIONS });
    dispatchers.set(proxy.href, dispatcher);
  }
  return dispatcher;
}
function fetchThrough(proxy, input, init) {
  return (0, import_undici.fetch)(input, {
    ...init,
    dispatcher: proxyDispatcher(proxy)
  });
}

export {
  proxyDispatcher,
  fetchThrough
};
