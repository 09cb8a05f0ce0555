import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/net/proxy.ts
import { isIP } from "node:net";
function variable(env, name) {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim();
    if (value) return value;
  }
  return void 0;
}
var DEFAULT_PORTS = { "http:": "80", "https:": "443" };
function bypassesProxy(url, env = process.env) {
  const noProxy = variable(env, "no_proxy");
  if (noProxy === void 0) return false;
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const { name, port: entryPort } = parseEntry(entry);
    if (entryPort !== void 0 && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, "");
    if (domain === "") continue;
    if (host === domain || isIP(host) === 0 && host.endsWith(`.${domain}`)) return true;
  }
  return false;
}
function parseEntry(entry) {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], ...bracketed[2] !== void 0 && { port: bracketed[2] } };
  if (entry.indexOf(":") !== entry.lastIndexOf(":")) return { name: entry };
  const [name = "", port] = entry.split(":");
  return { name, ...port !== void 0 && port !== "" && { port } };
}
function proxyFor(url, env = process.env) {
  if (bypassesProxy(url, env)) return void 0;
  const name = url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
  const value = variable(env, name);
  if (value === void 0) return void 0;
  let proxy;
  try {
    proxy = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    proxy = void 0;
  }
  if (proxy === void 0 || proxy.protocol !== "http:" && proxy.protocol !== "https:" || proxy.hostname === "") {
    throw new Error(`The ${name} environment variable is not an http(s) proxy URL; set it to http://HOST:PORT.`);
  }
  return proxy;
}
var proxiedFetch = async (input, init) => {
  const proxy = proxyFor(new URL(input instanceof Request ? input.url : input.toString()));
  if (proxy === void 0) return fetch(input, init);
  const { fetchThrough } = await import("./net-undici-proxy.js");
  return fetchThrough(proxy, input, init);
};

export {
  bypassesProxy,
  proxyFor,
  proxiedFetch
};
