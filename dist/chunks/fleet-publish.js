import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  formatBytes
} from "./chunk-util-bytes.js";
import {
  RegistryError,
  UnauthorizedError,
  inspectLocalImage,
  pushWithDocker,
  registryErrorDetail,
  remedy,
  statusFailure,
  where
} from "./chunk-registry-docker.js";
import {
  maskSecret,
  scrubSecrets
} from "./chunk-secrets.js";
import {
  eachLimited
} from "./chunk-util-pool.js";
import {
  formatReference,
  isDigest,
  isHttpsOrLoopback,
  isLoopbackHost,
  normalizedRepository,
  shortDigest
} from "./chunk-image-reference.js";
import {
  proxyFor
} from "./chunk-net-proxy.js";
import {
  BLOB_UPLOAD,
  REGISTRY_REQUEST
} from "./chunk-net-budget.js";
import {
  isTransientStatus,
  networkErrorCode,
  parseRetryAfter,
  retry,
  statusOf,
  transientFailure
} from "./chunk-net-retry.js";
import {
  InputError
} from "./chunk-errors.js";
import {
  info,
  warning
} from "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";

// src/registry/challenge.ts
var TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
var TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;
function parseChallenges(header2) {
  if (header2 === void 0) return [];
  if (typeof header2 !== "string") return header2.flatMap((line) => parseChallenges(line));
  const challenges = [];
  let i = 0;
  const n = header2.length;
  const skipSpace = () => {
    while (i < n && (header2[i] === " " || header2[i] === "	")) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(header2[i])) i++;
    return header2.slice(start, i);
  };
  const readQuoted = () => {
    i++;
    let value = "";
    while (i < n && header2[i] !== '"') {
      if (header2[i] === "\\" && i + 1 < n) i++;
      value += header2[i];
      i++;
    }
    i++;
    return value;
  };
  while (i < n) {
    skipSpace();
    if (header2[i] === ",") {
      i++;
      continue;
    }
    const word = readToken();
    if (word === "") {
      i++;
      continue;
    }
    skipSpace();
    const current = challenges.at(-1);
    if (header2[i] === "=" && current !== void 0 && header2[i + 1] !== "=") {
      i++;
      skipSpace();
      const value = header2[i] === '"' ? readQuoted() : readToken();
      current.params[word.toLowerCase()] = value;
      continue;
    }
    challenges.push({ scheme: word.toLowerCase(), params: {} });
    if (!isParamStart(header2, i)) {
      const start = i;
      while (i < n && TOKEN68_CHAR.test(header2[i])) i++;
      while (i < n && header2[i] === "=") i++;
      skipSpace();
      if (i === start || i < n && header2[i] !== ",") i = start;
    }
  }
  return challenges;
}
function isParamStart(header2, at) {
  let j = at;
  while (j < header2.length && TOKEN_CHAR.test(header2[j])) j++;
  while (j < header2.length && (header2[j] === " " || header2[j] === "	")) j++;
  return header2[j] === "=" && header2[j + 1] !== "=";
}
function registryChallenge(header2) {
  const challenges = parseChallenges(header2);
  const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
  if (bearer) {
    const { realm, service, scope, error } = bearer.params;
    return {
      kind: "bearer",
      realm,
      ...service ? { service } : {},
      ...scope ? { scope } : {},
      ...error ? { error } : {}
    };
  }
  const basic2 = challenges.find((c) => c.scheme === "basic");
  if (basic2) return { kind: "basic", ...basic2.params.realm !== void 0 && { realm: basic2.params.realm } };
  return void 0;
}

// src/net/node-proxy.ts
import * as http from "node:http";
import * as https from "node:https";
import * as tls from "node:tls";
var KEEP_ALIVE = { keepAlive: true, maxSockets: 16 };
var CONNECT_TIMEOUT_MS = 3e4;
var direct = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) };
var viaProxy = /* @__PURE__ */ new Map();
function routeFor(url, env = process.env) {
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw new Error(`unsupported URL scheme ${url.protocol}`);
  const target = { hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port || (secure ? 443 : 80) };
  const path3 = `${url.pathname}${url.search}`;
  const proxy = proxyFor(url, env);
  if (proxy === void 0) {
    return {
      transport: secure ? https : http,
      options: { ...target, path: path3, agent: secure ? direct.https : direct.http }
    };
  }
  const credentials = proxyAuthorization(proxy);
  if (secure) {
    return { transport: https, options: { ...target, path: path3, servername: servername(url), agent: tunnel(proxy) } };
  }
  return {
    transport: proxy.protocol === "https:" ? https : http,
    options: {
      hostname: proxy.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
      path: url.href.replace(/#.*$/, ""),
      // Host stays the origin's: the request is for it, the proxy only forwards it.
      headers: { host: url.host, ...credentials !== void 0 && { "proxy-authorization": credentials } },
      agent: forwarder(proxy)
    }
  };
}
function forwarder(proxy) {
  const key = `forward ${proxy.href}`;
  let agent = viaProxy.get(key);
  if (agent === void 0) {
    agent = proxy.protocol === "https:" ? new https.Agent(KEEP_ALIVE) : new http.Agent(KEEP_ALIVE);
    viaProxy.set(key, agent);
  }
  return agent;
}
function tunnel(proxy) {
  const key = `tunnel ${proxy.href}`;
  let agent = viaProxy.get(key);
  if (agent === void 0) {
    agent = new TunnelAgent(proxy, KEEP_ALIVE);
    viaProxy.set(key, agent);
  }
  return agent;
}
var TunnelAgent = class extends https.Agent {
  constructor(proxy, options) {
    super(options);
    this.proxy = proxy;
  }
  proxy;
  createConnection(options, callback) {
    const authority = `${bracketed(options.host ?? "localhost")}:${options.port ?? 443}`;
    const credentials = proxyAuthorization(this.proxy);
    const connect2 = (this.proxy.protocol === "https:" ? https : http).request({
      hostname: this.proxy.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: this.proxy.port || (this.proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers: { host: authority, ...credentials !== void 0 && { "proxy-authorization": credentials } },
      agent: false
    });
    let done = false;
    const finish = (error, socket) => {
      if (done) return;
      done = true;
      callback(error, socket);
    };
    connect2.setTimeout(
      CONNECT_TIMEOUT_MS,
      () => connect2.destroy(
        Object.assign(
          new Error(`the proxy did not answer CONNECT ${authority} within ${CONNECT_TIMEOUT_MS / 1e3} s`),
          {
            code: "ETIMEDOUT"
          }
        )
      )
    );
    connect2.once("error", (error) => finish(error));
    connect2.once("connect", (response, socket) => {
      connect2.setTimeout(0);
      if (response.statusCode !== 200) {
        socket.destroy();
        finish(new Error(`the proxy ${this.proxy.host} answered HTTP ${response.statusCode} to CONNECT ${authority}`));
        return;
      }
      finish(null, tls.connect({ ...options, socket }));
    });
    connect2.end();
    return void 0;
  }
};
function proxyAuthorization(proxy) {
  if (proxy.username === "") return void 0;
  const user = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}
function bracketed(host) {
  return host.includes(":") ? `[${host}]` : host;
}
function servername(url) {
  const host = url.hostname;
  return /^[\d.]+$/.test(host) || host.startsWith("[") ? void 0 : host;
}

// src/registry/http.ts
var NetworkError = class extends Error {
  constructor(message, code, options) {
    super(message, options);
    this.code = code;
    this.name = "NetworkError";
  }
  code;
};
var DEFAULT_MAX_RESPONSE = 8 * 1024 * 1024;
var DEFAULT_TIMEOUT_MS = 12e4;
function send(request) {
  const { url, method } = request;
  let route;
  try {
    route = routeFor(url);
  } catch (error) {
    return Promise.reject(error);
  }
  const body = request.body;
  const headers = { ...route.options.headers, ...request.headers };
  if (body !== void 0) headers["content-length"] = String(body.length);
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(asNetworkError(error, method, url));
    };
    const req = route.transport.request({ ...route.options, method, headers });
    req.setTimeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      fail(
        Object.assign(new Error(`no response within ${(request.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1e3} s`), {
          code: "ETIMEDOUT"
        })
      );
    });
    req.on("error", fail);
    req.on("response", (res) => {
      const pieces = [];
      let received = 0;
      res.on("data", (piece) => {
        received += piece.length;
        if (received > limit) {
          fail(new Error(`response body larger than ${limit} bytes`));
          res.destroy();
          return;
        }
        pieces.push(piece);
      });
      res.on("error", fail);
      res.on("end", () => {
        if (settled) return;
        settled = true;
        if (!req.writableFinished) req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) });
      });
    });
    if (body === void 0) {
      req.end();
    } else if (Buffer.isBuffer(body)) {
      req.end(body);
    } else {
      writeChunks(req, body).catch(fail);
    }
  });
}
async function writeChunks(req, body) {
  let sent = 0;
  for await (const chunk of body.chunks) {
    if (req.destroyed || req.writableEnded) return;
    sent += chunk.length;
    if (sent > body.length) throw new Error(`request body longer than the declared ${body.length} bytes`);
    await written(req, chunk);
  }
  if (sent !== body.length) throw new Error(`request body ended after ${sent} of ${body.length} bytes`);
  if (!req.destroyed) req.end();
}
function written(req, chunk) {
  return new Promise((resolve) => {
    const done = () => {
      req.off("close", done);
      resolve();
    };
    req.once("close", done);
    req.write(chunk, () => done());
  });
}
function asNetworkError(error, method, url) {
  if (error instanceof NetworkError) return error;
  if (typeof error !== "object" || error === null || typeof error.message !== "string")
    return new Error(String(error));
  const code = error.code;
  const message = error.message;
  if (networkErrorCode(error) !== void 0 || /socket hang up/i.test(message)) {
    return new NetworkError(`${method} ${url.host}${url.pathname}: ${message}`, code ?? "ECONNRESET", { cause: error });
  }
  return error;
}
function header(response, name) {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

// src/registry/trust.ts
var GOOGLE_REGISTRY = /^(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z0-9-]+\.)?gcr\.io)$/;
function hostname(host) {
  return (host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "")).toLowerCase();
}
function acceptsGoogleCredentials(host) {
  return GOOGLE_REGISTRY.test(hostname(host)) || isLoopbackHost(host);
}
function mayReceiveCredentials(realmHost, registryHost) {
  return hostname(realmHost) === hostname(registryHost) || acceptsGoogleCredentials(realmHost);
}

// src/registry/auth.ts
var OAUTH_USER = "oauth2accesstoken";
var DEFAULT_TOKEN_LIFETIME_S = 60;
var Authenticator = class {
  constructor(options) {
    this.options = options;
  }
  options;
  scheme;
  probing;
  token;
  fetching;
  rejectedBasic = /* @__PURE__ */ new Set();
  /** The `Authorization` header for the next request, or undefined for anonymous access. */
  async authorization() {
    const scheme = this.scheme ?? await this.probe();
    switch (scheme.kind) {
      case "none":
        return void 0;
      case "basic":
        return this.options.credentials ? basic(await this.accessToken()) : void 0;
      case "bearer": {
        const token = this.token !== void 0 && Date.now() < this.token.refreshAt ? this.token : await this.fetchToken(scheme);
        return `Bearer ${token.value}`;
      }
    }
  }
  /**
   * After a 401: adopt the challenge it carries and forget what failed. Returns false when a
   * retry cannot help (nothing changed and nothing was cached).
   */
  rejected(response, sent) {
    const challenge = registryChallenge(header(response, "www-authenticate"));
    const previous = this.scheme;
    if (challenge?.kind === "bearer") {
      this.scheme = {
        kind: "bearer",
        realm: challenge.realm,
        ...challenge.service !== void 0 && { service: challenge.service }
      };
    } else if (challenge?.kind === "basic") {
      this.scheme = { kind: "basic" };
    }
    if (sent === void 0) return this.scheme !== previous && this.scheme?.kind !== "none";
    if (sent.startsWith("Bearer ")) {
      if (this.token !== void 0 && sent === `Bearer ${this.token.value}`) this.token = void 0;
      return true;
    }
    if (!this.options.credentials?.invalidate) return false;
    if (!this.rejectedBasic.has(sent)) {
      this.rejectedBasic.add(sent);
      this.options.credentials.invalidate();
    }
    return true;
  }
  probe() {
    this.probing ??= this.ping().then(
      (scheme) => {
        this.scheme ??= scheme;
        return this.scheme;
      },
      (error) => {
        this.probing = void 0;
        throw error;
      }
    );
    return this.probing;
  }
  async ping() {
    const url = new URL("/v2/", this.options.origin);
    const response = await this.sendWithRetry(url, {}, "API version check (GET /v2/)");
    if (response.status !== 401) return { kind: "none" };
    const challenge = registryChallenge(header(response, "www-authenticate"));
    if (challenge?.kind === "bearer") {
      return {
        kind: "bearer",
        realm: challenge.realm,
        ...challenge.service !== void 0 && { service: challenge.service }
      };
    }
    if (challenge?.kind === "basic") return { kind: "basic" };
    throw new RegistryError(
      `${where(this.options.target)}: GET /v2/ answered 401 without a Bearer or Basic challenge; cannot authenticate.`,
      401
    );
  }
  fetchToken(scheme) {
    this.fetching ??= this.requestToken(scheme).finally(() => {
      this.fetching = void 0;
    });
    return this.fetching;
  }
  async requestToken(scheme) {
    const { target, credentials, access } = this.options;
    let realm;
    try {
      realm = new URL(scheme.realm);
    } catch {
      throw new RegistryError(
        `${where(target)}: the token realm "${scheme.realm}" in the registry's challenge is not a URL.`
      );
    }
    if (!isHttpsOrLoopback(realm)) {
      throw new RegistryError(
        `${where(target)}: the token realm ${realm.origin} is not https; refusing to send credentials to it.`
      );
    }
    if (credentials && !mayReceiveCredentials(realm.host, target.registry)) {
      throw new RegistryError(
        `${where(target)}: the registry sends token requests to ${realm.host}, which is neither the registry nor a Google registry; refusing to send Google Cloud credentials there.`
      );
    }
    if (scheme.service !== void 0) realm.searchParams.set("service", scheme.service);
    realm.searchParams.set("scope", `repository:${target.repository}:${access === "push" ? "pull,push" : "pull"}`);
    const operation = `token request to ${realm.host}${realm.pathname}`;
    for (let renewed = false; ; renewed = true) {
      const headers = {};
      if (credentials) headers.authorization = basic(await this.accessToken());
      const started = Date.now();
      const response = await this.sendWithRetry(realm, headers, operation);
      if (response.status === 200) return this.acceptToken(response, started, operation);
      if (response.status === 401 && credentials?.invalidate && !renewed) {
        credentials.invalidate();
        continue;
      }
      const detail = tokenErrorDetail(response.body);
      const hint = remedy(response.status, access, credentials !== void 0);
      throw new RegistryError(
        scrubSecrets(
          `${where(target)}: ${operation} failed with HTTP ${response.status}${detail ? ` (${detail})` : ""}.${hint ? ` ${hint}` : ""}`
        ),
        response.status
      );
    }
  }
  acceptToken(response, started, operation) {
    let parsed;
    try {
      parsed = JSON.parse(response.body.toString("utf8"));
    } catch {
      throw new RegistryError(`${where(this.options.target)}: ${operation} answered 200 without a JSON body.`);
    }
    const value = typeof parsed.token === "string" && parsed.token !== "" ? parsed.token : parsed.access_token;
    if (typeof value !== "string" || value === "") {
      throw new RegistryError(`${where(this.options.target)}: ${operation} answered without "token" or "access_token".`);
    }
    maskSecret(value);
    const lifetimeS = typeof parsed.expires_in === "number" && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S;
    const marginMs = Math.min(3e4, lifetimeS * 250);
    this.token = { value, refreshAt: started + lifetimeS * 1e3 - marginMs };
    return this.token;
  }
  async accessToken() {
    const token = await this.options.credentials.getAccessToken();
    maskSecret(token);
    return token;
  }
  /**
   * GET under the registry policy. A transient status that outlasts the retries is returned like
   * any other answer, for the caller to explain.
   */
  async sendWithRetry(url, headers, operation) {
    const { target, clock } = this.options;
    const policy = this.options.retry;
    try {
      return await retry(
        async () => {
          let response;
          try {
            response = await send({ method: "GET", url, headers, maxResponseBytes: 1024 * 1024 });
          } catch (error) {
            const message = scrubSecrets(`${where(target)}: ${operation} failed: ${error.message}`);
            throw new RegistryError(message, void 0, { cause: error });
          }
          if (!isTransientStatus(response.status)) return response;
          throw new TransientAnswer(operation, response);
        },
        {
          policy,
          onRetry: ({ attempt, reason }) => info(
            `${where(target)}: ${operation}: ${reason}, retrying (attempt ${attempt + 1} of ${policy.attempts})`
          ),
          ...clock !== void 0 && { clock }
        }
      );
    } catch (error) {
      if (error instanceof TransientAnswer) return error.response;
      throw error;
    }
  }
};
var TransientAnswer = class extends RegistryError {
  constructor(operation, response) {
    super(`${operation}: HTTP ${response.status}`, response.status, {
      retryAfterMs: parseRetryAfter(header(response, "retry-after"))
    });
    this.response = response;
  }
  response;
};
function basic(accessToken) {
  return `Basic ${Buffer.from(`${OAUTH_USER}:${accessToken}`).toString("base64")}`;
}
function tokenErrorDetail(body) {
  try {
    const parsed = JSON.parse(body.subarray(0, 4096).toString("utf8"));
    const parts = [parsed.error, parsed.error_description ?? parsed.details].filter(
      (p) => typeof p === "string" && p !== ""
    );
    if (parts.length > 0) return parts.join(": ").slice(0, 300);
  } catch {
  }
  return registryErrorDetail(body).text;
}

// src/registry/media-types.ts
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
var DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
var MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(", ");
function isIndexType(mediaType) {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
function isManifestType(mediaType) {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST;
}
function baseMediaType(contentType) {
  const base = contentType?.split(";")[0]?.trim().toLowerCase();
  return base ? base : void 0;
}
function mediaTypeOf(bytes) {
  try {
    const parsed = JSON.parse(bytes.toString("utf8"));
    if (typeof parsed.mediaType === "string") return parsed.mediaType;
    if (Array.isArray(parsed.manifests)) return OCI_INDEX;
    if (Array.isArray(parsed.layers)) return OCI_MANIFEST;
  } catch {
  }
  return void 0;
}
function platformName(platform) {
  if (!platform?.os && !platform?.architecture) return "unknown";
  return [platform.os ?? "unknown", platform.architecture ?? "unknown", platform.variant].filter(Boolean).join("/");
}

// src/util/digest.ts
import { createHash } from "node:crypto";
function sha256(bytes) {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

// src/registry/client.ts
var MIB = 1024 * 1024;
var MAX_REDIRECTS = 5;
var MAX_REAUTH_RESTARTS = 2;
var RegistryClient = class {
  target;
  origin;
  auth;
  requestPolicy;
  uploadPolicy;
  clock;
  access;
  hasCredentials;
  monolithicLimit;
  chunkSize;
  constructor(options) {
    this.target = { registry: options.registry, repository: options.repository };
    const scheme = isLoopbackHost(options.registry) ? "http" : "https";
    this.origin = new URL(`${scheme}://${apiHost(options.registry)}`);
    this.requestPolicy = { ...REGISTRY_REQUEST, ...options.retry };
    this.uploadPolicy = { ...BLOB_UPLOAD, ...options.retry, deadlineMs: void 0 };
    this.clock = options.clock;
    this.access = options.access ?? "push";
    this.hasCredentials = options.credentials !== void 0;
    this.monolithicLimit = options.monolithicLimit ?? 16 * MIB;
    this.chunkSize = Math.max(1, options.chunkSize ?? 64 * MIB);
    this.auth = new Authenticator({
      target: this.target,
      origin: this.origin,
      access: this.access,
      ...options.credentials !== void 0 && { credentials: options.credentials },
      retry: this.requestPolicy,
      ...options.clock !== void 0 && { clock: options.clock }
    });
  }
  /** The manifest a tag or digest names, or undefined when the registry does not have it. */
  async resolve(reference) {
    const response = await this.request({
      name: `HEAD manifest ${reference}`,
      method: "HEAD",
      url: this.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200, 404],
      retry: true
    });
    if (response.status === 404) return void 0;
    const digest = header(response, "docker-content-digest");
    const mediaType = baseMediaType(header(response, "content-type"));
    const size = Number(header(response, "content-length"));
    if (digest !== void 0 && isDigest(digest) && mediaType && Number.isSafeInteger(size)) {
      if (isDigest(reference) && digest !== reference) {
        throw new RegistryError(`${where(this.target)}: HEAD manifest ${reference} answered with digest ${digest}.`);
      }
      return { digest, mediaType, size };
    }
    const manifest = await this.getManifest(reference);
    return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
  }
  async getManifest(reference) {
    const response = await this.request({
      name: `GET manifest ${reference}`,
      method: "GET",
      url: this.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200],
      retry: true,
      maxResponseBytes: 4 * MIB
    });
    const bytes = response.body;
    const digest = sha256(bytes);
    if (isDigest(reference) && digest !== reference) {
      throw new RegistryError(
        `${where(this.target)}: GET manifest ${reference} returned bytes whose digest is ${digest}.`
      );
    }
    const mediaType = baseMediaType(header(response, "content-type"));
    return {
      bytes,
      digest,
      mediaType: mediaType && mediaType !== "application/json" ? mediaType : mediaTypeOf(bytes) ?? mediaType ?? ""
    };
  }
  async hasBlob(digest) {
    const response = await this.request({
      name: `HEAD blob ${shortDigest(digest)}`,
      method: "HEAD",
      url: this.url(`blobs/${digest}`),
      ok: [200, 404],
      retry: true
    });
    return response.status === 200;
  }
  /**
   * Streams one blob into the registry. Any failure restarts the whole upload with a fresh
   * stream from `open()`: an upload session that failed half-way cannot be trusted to resume.
   * Chunks are written out before the next is read, so the source may reuse its buffer.
   */
  async uploadBlob(digest, size, open3) {
    let reauths = 0;
    await retry(() => this.uploadOnce(digest, size, open3), {
      policy: this.uploadPolicy,
      classify: (error) => {
        if (error instanceof UnauthorizedError) {
          return ++reauths <= MAX_REAUTH_RESTARTS ? { retry: true, reason: "token rejected" } : { retry: false };
        }
        if (statusOf(error) === 416) return { retry: true, reason: "upload session out of step" };
        return transientFailure(error);
      },
      onRetry: ({ attempt, error }) => info(
        `${error.message.replace(/\.?$/, ".")} Restarting the upload of blob ${shortDigest(digest)} (attempt ${attempt + 1} of ${this.uploadPolicy.attempts}).`
      ),
      ...this.clock !== void 0 && { clock: this.clock }
    });
  }
  /** PUTs manifest bytes unchanged; returns the digest, which must be the hash of those bytes. */
  async putManifest(reference, mediaType, bytes) {
    const response = await this.request({
      name: `PUT manifest ${reference}`,
      method: "PUT",
      url: this.url(`manifests/${reference}`),
      headers: { "content-type": mediaType },
      body: bytes,
      ok: [201, 200],
      retry: true
    });
    const expected = sha256(bytes);
    const reported = header(response, "docker-content-digest") ?? expected;
    if (reported !== expected) {
      throw new RegistryError(
        `${where(this.target)}: PUT manifest ${reference} stored digest ${reported}, but the manifest's bytes hash to ${expected}; the registry changed the manifest.`
      );
    }
    return reported;
  }
  async uploadOnce(digest, size, open3) {
    const short = shortDigest(digest);
    const started = await this.request({
      name: `start upload of blob ${short}`,
      method: "POST",
      url: this.url("blobs/uploads/"),
      ok: [202],
      retry: true
    });
    let location = this.location(started, `start upload of blob ${short}`);
    const source = open3();
    const reader = new ChunkReader(source[Symbol.asyncIterator]());
    let completed;
    try {
      if (size < this.monolithicLimit) {
        completed = await this.request({
          name: `upload of blob ${short}`,
          method: "PUT",
          url: withDigest(location, digest),
          headers: { "content-type": "application/octet-stream" },
          body: { length: size, chunks: reader.take(size) },
          ok: [201],
          retry: false
        });
      } else {
        for (let offset = 0; offset < size; ) {
          const length = Math.min(this.chunkSize, size - offset);
          const name = `upload of blob ${short} (bytes ${offset}-${offset + length - 1} of ${size})`;
          const response = await this.request({
            name,
            method: "PATCH",
            url: location,
            headers: {
              "content-type": "application/octet-stream",
              "content-range": `${offset}-${offset + length - 1}`
            },
            body: { length, chunks: reader.take(length) },
            ok: [202],
            retry: false
          });
          offset += length;
          const range = /^(?:bytes=)?0-(\d+)$/.exec(header(response, "range") ?? "");
          if (range && Number(range[1]) !== offset - 1) {
            throw new RegistryError(`${where(this.target)}: ${name}: the registry holds bytes 0-${range[1]}.`, 416);
          }
          location = this.location(response, name);
        }
        completed = await this.request({
          name: `completion of blob ${short}`,
          method: "PUT",
          url: withDigest(location, digest),
          body: Buffer.alloc(0),
          ok: [201],
          retry: false
        });
      }
    } finally {
      reader.close();
    }
    const stored = header(completed, "docker-content-digest");
    if (stored !== void 0 && stored !== digest) {
      throw new RegistryError(`${where(this.target)}: blob ${digest} was stored as ${stored}.`);
    }
  }
  /** One operation with authentication and redirects, retried under REGISTRY_REQUEST where the body allows. */
  request(op) {
    if (!op.retry) return this.exchange(op);
    return retry(() => this.exchange(op), {
      policy: this.requestPolicy,
      onRetry: ({ attempt, reason }) => info(
        `${where(this.target)}: ${op.name}: ${reason}, retrying (attempt ${attempt + 1} of ${this.requestPolicy.attempts})`
      ),
      ...this.clock !== void 0 && { clock: this.clock }
    });
  }
  /** One try: the response if its status is in `op.ok`, else a RegistryError with the status. */
  async exchange(op) {
    let url = op.url;
    let redirects = 0;
    let reauthenticated = false;
    for (; ; ) {
      const authorization = url.origin === this.origin.origin ? await this.auth.authorization() : void 0;
      const headers = { ...op.headers };
      if (authorization !== void 0) headers.authorization = authorization;
      let response;
      try {
        response = await send({
          method: op.method,
          url,
          headers,
          ...op.body !== void 0 && { body: op.body },
          ...op.maxResponseBytes !== void 0 && { maxResponseBytes: op.maxResponseBytes }
        });
      } catch (error) {
        const message = scrubSecrets(`${where(this.target)}: ${op.name} failed: ${error.message}`);
        throw new RegistryError(message, void 0, { cause: error });
      }
      const { status } = response;
      if (status === 401 && !reauthenticated && this.auth.rejected(response, authorization)) {
        reauthenticated = true;
        if (op.retry) continue;
        throw new UnauthorizedError(this.failure(op, response));
      }
      if ((op.method === "GET" || op.method === "HEAD") && isRedirect(status) && redirects < MAX_REDIRECTS) {
        const location = header(response, "location");
        if (location !== void 0) {
          url = new URL(location, url);
          redirects++;
          continue;
        }
      }
      if (op.ok.includes(status)) return response;
      const retryAfterMs = isTransientStatus(status) ? parseRetryAfter(header(response, "retry-after")) : void 0;
      throw new RegistryError(this.failure(op, response), status, { retryAfterMs });
    }
  }
  failure(op, response) {
    return scrubSecrets(
      statusFailure(this.target, op.name, response.status, response.body, this.access, this.hasCredentials)
    );
  }
  url(path3) {
    return new URL(`/v2/${this.target.repository}/${path3}`, this.origin);
  }
  location(response, operation) {
    const location = header(response, "location");
    if (location === void 0) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} answered HTTP ${response.status} without a Location header.`
      );
    }
    const url = new URL(location, this.origin);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.host))) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} sent the upload to a plain-http location (${url.host}); refusing.`
      );
    }
    return url;
  }
};
var ChunkReader = class {
  constructor(iterator) {
    this.iterator = iterator;
  }
  iterator;
  pending;
  async *take(length) {
    let remaining = length;
    while (remaining > 0) {
      let piece = this.pending;
      this.pending = void 0;
      if (piece === void 0) {
        const next = await this.iterator.next();
        if (next.done) throw new Error(`the blob's source ended ${remaining} bytes before its declared size`);
        piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      if (piece.length > remaining) {
        this.pending = piece.subarray(remaining);
        piece = piece.subarray(0, remaining);
      }
      remaining -= piece.length;
      yield piece;
    }
  }
  close() {
    void this.iterator.return?.().catch(() => void 0);
  }
};
function isRedirect(status) {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
function withDigest(location, digest) {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url;
}
function apiHost(registry) {
  return registry === "docker.io" ? "registry-1.docker.io" : registry;
}

// src/registry/layout-store.ts
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import * as path2 from "node:path";
import { Readable } from "node:stream";

// src/registry/file-chunks.ts
import { open } from "node:fs/promises";
var CHUNK = 256 * 1024;
async function* fileChunks(file, start, length, size = CHUNK) {
  if (length === 0) return;
  const handle = await open(file, "r");
  try {
    const buffer = Buffer.allocUnsafeSlow(Math.min(size, length));
    for (let offset = 0; offset < length; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - offset), start + offset);
      if (bytesRead === 0) throw new Error(`${file} ended ${length - offset} bytes early`);
      offset += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

// src/registry/tar.ts
import { open as open2 } from "node:fs/promises";
import * as path from "node:path";
var BLOCK = 512;
var MAX_META_BYTES = 1024 * 1024;
var TarFormatError = class extends Error {
  constructor(file, reason) {
    super(`${file} is not a readable tar archive: ${reason}`);
    this.name = "TarFormatError";
  }
};
var TarIndex = class _TarIndex {
  constructor(file, members) {
    this.file = file;
    this.members = members;
  }
  file;
  members;
  static async read(file) {
    return new _TarIndex(file, await readMembers(file));
  }
  names() {
    return [...this.members.keys()];
  }
  /** The regular file at `name`, following hard and symbolic links inside the archive. */
  lookup(name) {
    let current = this.members.get(normalize(name));
    for (let hops = 0; current !== void 0 && hops < 16; hops++) {
      if (current.type === "file") return current;
      if (current.type === "hardlink" && current.linkname !== void 0) {
        current = this.members.get(normalize(current.linkname));
      } else if (current.type === "symlink" && current.linkname !== void 0) {
        const target = current.linkname.startsWith("/") ? current.linkname : path.posix.join(path.posix.dirname(current.name), current.linkname);
        current = this.members.get(normalize(target));
      } else {
        return void 0;
      }
    }
    return void 0;
  }
};
async function readMembers(file) {
  const members = /* @__PURE__ */ new Map();
  const handle = await open2(file, "r");
  try {
    const { size: archiveSize } = await handle.stat();
    const block = Buffer.alloc(BLOCK);
    let position = 0;
    let longName;
    let longLink;
    let pax = {};
    const readAt = async (buffer, at) => {
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, at + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    };
    for (; ; ) {
      const read = await readAt(block, position);
      if (read === 0) break;
      if (position === 0) rejectCompressed(file, block);
      if (read < BLOCK) throw new TarFormatError(file, `truncated header at byte ${position}`);
      if (block.every((byte) => byte === 0)) break;
      if (!checksumMatches(block)) {
        throw new TarFormatError(
          file,
          position === 0 ? "no tar header at the start" : `corrupt header at byte ${position}`
        );
      }
      const type = String.fromCharCode(block[156]);
      const paxSize = pax.size !== void 0 ? Number(pax.size) : void 0;
      const size = paxSize !== void 0 && Number.isSafeInteger(paxSize) ? paxSize : parseNumber(block.subarray(124, 136), file, position);
      const dataOffset = position + BLOCK;
      if (dataOffset + size > archiveSize)
        throw new TarFormatError(file, `member at byte ${position} runs past the end of the archive`);
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === "L" || type === "K" || type === "x" || type === "g") {
        if (size > MAX_META_BYTES) throw new TarFormatError(file, `oversized ${type} header`);
        const data = Buffer.alloc(size);
        await readAt(data, dataOffset);
        if (type === "L") longName = cString(data);
        else if (type === "K") longLink = cString(data);
        else if (type === "x") pax = parsePax(data);
        continue;
      }
      const name = longName ?? pax.path ?? headerName(block);
      const linkname = longLink ?? pax.linkpath ?? cString(block.subarray(157, 257));
      longName = longLink = void 0;
      pax = {};
      const member = {
        name: normalize(name),
        type: memberType(type),
        offset: dataOffset,
        size: type === "1" || type === "2" || type === "5" ? 0 : size,
        ...linkname !== "" && { linkname }
      };
      if (member.name !== "") members.set(member.name, member);
    }
  } finally {
    await handle.close();
  }
  return members;
}
function rejectCompressed(file, block) {
  if (block[0] === 31 && block[1] === 139) {
    throw new TarFormatError(
      file,
      "it is gzip-compressed; decompress it first (e.g. `gunzip` or `docker save` without `| gzip`)"
    );
  }
  if (block[0] === 40 && block[1] === 181 && block[2] === 47 && block[3] === 253) {
    throw new TarFormatError(file, "it is zstd-compressed; decompress it first (`zstd -d`)");
  }
}
function memberType(flag) {
  switch (flag) {
    case "0":
    case "\0":
    case "7":
      return "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "5":
      return "directory";
    default:
      return "other";
  }
}
function headerName(block) {
  const name = cString(block.subarray(0, 100));
  const posix2 = block.subarray(257, 263).toString("latin1") === "ustar\0";
  const prefix = posix2 ? cString(block.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}
function checksumMatches(block) {
  const stored = Number.parseInt(cString(block.subarray(148, 156)).trim() || "NaN", 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 32 : block[i];
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}
function parseNumber(field, file, at) {
  if (field[0] & 128) {
    if (field[0] & 64) throw new TarFormatError(file, `negative size at byte ${at}`);
    let value = field[0] & 63;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    if (!Number.isSafeInteger(value)) throw new TarFormatError(file, `size too large at byte ${at}`);
    return value;
  }
  const text = cString(field).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(file, `bad size field at byte ${at}`);
  return Number.parseInt(text, 8);
}
function parsePax(data) {
  const records = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(32, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString("ascii"));
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break;
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}
function cString(bytes) {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString("utf8");
}
function normalize(name) {
  const normalized = path.posix.normalize(`/${name}`).replace(/^\/+/, "").replace(/\/+$/, "");
  return normalized === "." ? "" : normalized;
}

// src/registry/layout-store.ts
var MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
var DIGEST = /^sha256:([a-f0-9]{64})$/;
var READ_CHUNK = 1024 * 1024;
var LayoutError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "LayoutError";
  }
};
async function openLayout(location, label = location) {
  let info2;
  try {
    info2 = await stat(location);
  } catch (error) {
    const code = error.code;
    throw new LayoutError(`${label}: ${code === "ENOENT" ? "no such file or directory" : error.message}.`);
  }
  if (info2.isDirectory()) return openDirectory(location, label);
  if (info2.isFile()) return openArchive(location, label);
  throw new LayoutError(`${label} is neither a directory nor a tar file.`);
}
async function openDirectory(root, label) {
  const file = (digest) => {
    const [algorithm, hex] = splitDigest(digest, label);
    return path2.join(root, "blobs", algorithm, hex);
  };
  const read = async (name) => {
    try {
      return await readFile(path2.join(root, name));
    } catch (error) {
      if (error.code === "ENOENT") return void 0;
      throw new LayoutError(`${label}: cannot read ${name}: ${error.message}`);
    }
  };
  const blobs = {
    async size(digest) {
      try {
        const info2 = await stat(file(digest));
        return info2.isFile() ? info2.size : void 0;
      } catch {
        return void 0;
      }
    },
    open: (digest) => createReadStream(file(digest), { highWaterMark: READ_CHUNK }),
    chunks: (digest, size) => fileChunks(file(digest), 0, size),
    read: (digest) => readFile(file(digest))
  };
  return layoutFrom(
    label,
    "directory",
    await read("oci-layout"),
    await read("index.json"),
    blobs,
    () => read("manifest.json")
  );
}
async function openArchive(archive, label) {
  let tar;
  try {
    tar = await TarIndex.read(archive);
  } catch (error) {
    throw new LayoutError(`${label}: ${error.message.replace(`${archive} `, "")}`);
  }
  let prefix = "";
  if (tar.lookup("index.json") === void 0) {
    const nested = tar.names().filter((name) => name.endsWith("/index.json")).map((name) => name.slice(0, -"index.json".length)).filter((dir) => tar.lookup(`${dir}oci-layout`) !== void 0);
    if (nested.length === 1) prefix = nested[0];
  }
  const member = (digest) => {
    const [algorithm, hex] = splitDigest(digest, label);
    return `${prefix}blobs/${algorithm}/${hex}`;
  };
  const slice = (name) => {
    const entry = tar.lookup(name);
    if (entry === void 0) throw new LayoutError(`${label}: ${name} is missing from the archive.`);
    return entry.size === 0 ? Readable.from([]) : createReadStream(archive, {
      start: entry.offset,
      end: entry.offset + entry.size - 1,
      highWaterMark: READ_CHUNK
    });
  };
  const read = async (name) => {
    const entry = tar.lookup(name);
    if (entry === void 0) return void 0;
    if (entry.size > MAX_MANIFEST_BYTES * 4)
      throw new LayoutError(`${label}: ${name} is unexpectedly large (${entry.size} bytes).`);
    const pieces = [];
    for await (const piece of slice(name)) pieces.push(piece);
    return Buffer.concat(pieces);
  };
  const blobs = {
    size: (digest) => Promise.resolve(tar.lookup(member(digest))?.size),
    open: (digest) => slice(member(digest)),
    chunks: (digest) => {
      const entry = tar.lookup(member(digest));
      if (entry === void 0) throw new LayoutError(`${label}: ${member(digest)} is missing from the archive.`);
      return fileChunks(archive, entry.offset, entry.size);
    },
    read: async (digest) => await read(member(digest)) ?? Buffer.alloc(0)
  };
  return layoutFrom(
    label,
    "archive",
    await read(`${prefix}oci-layout`),
    await read(`${prefix}index.json`),
    blobs,
    () => read(`${prefix}manifest.json`)
  );
}
async function layoutFrom(label, kind, marker, indexBytes, blobs, legacyManifest) {
  if (indexBytes === void 0) {
    const legacy = await legacyManifest() !== void 0;
    throw new LayoutError(
      legacy ? `${label} is a legacy \`docker save\` archive (manifest.json, no index.json). Save it with Docker 25 or later, which writes an OCI layout, or convert it: skopeo copy docker-archive:${label} oci:DIR.` : `${label} is not an OCI image layout: it has no index.json.`
    );
  }
  if (marker !== void 0) {
    const version = parseJson(marker, `${label}: oci-layout`).imageLayoutVersion;
    if (typeof version !== "string" || !version.startsWith("1.")) {
      throw new LayoutError(
        `${label}: oci-layout declares imageLayoutVersion ${JSON.stringify(version)}; only 1.x is supported.`
      );
    }
  }
  const index = parseJson(indexBytes, `${label}: index.json`);
  if (!Array.isArray(index.manifests)) throw new LayoutError(`${label}: index.json has no "manifests" list.`);
  const manifests = index.manifests.map((entry, i) => descriptor(entry, `${label}: index.json manifests[${i}]`));
  return { label, kind, indexBytes, manifests, blobs };
}
function descriptor(value, where2) {
  const d = value;
  if (typeof d !== "object" || d === null || typeof d.digest !== "string" || typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new LayoutError(`${where2} is not a descriptor with a digest and a size.`);
  }
  if (!DIGEST.test(d.digest))
    throw new LayoutError(`${where2}: digest "${d.digest}" is not sha256:<64 hex digits>; only sha256 is supported.`);
  return d;
}
function splitDigest(digest, label) {
  const match = DIGEST.exec(digest);
  if (!match) throw new LayoutError(`${label}: "${digest}" is not a sha256 digest.`);
  return ["sha256", match[1]];
}
function parseJson(bytes, what) {
  try {
    const value = JSON.parse(bytes.toString("utf8"));
    if (typeof value !== "object" || value === null) throw new Error("not a JSON object");
    return value;
  } catch (error) {
    throw new LayoutError(`${what} is not valid JSON: ${error.message}`);
  }
}

// src/registry/layout.ts
var REF_NAME = "org.opencontainers.image.ref.name";
var CONTAINERD_NAME = "io.containerd.image.name";
var MAX_DEPTH = 4;
async function selectImage(layout, image) {
  const { manifests, label } = layout;
  if (manifests.length === 0) throw new LayoutError(`${label}: index.json lists no images.`);
  let chosen;
  if (manifests.length === 1) {
    chosen = manifests[0];
  } else {
    const wanted = wantedNames(image);
    let matches = manifests.filter(
      (d) => wanted.has(refName(d) ?? "") || wanted.has(d.annotations?.[CONTAINERD_NAME] ?? "")
    );
    if (image.digest !== void 0) {
      const byDigest = manifests.filter((d) => d.digest === image.digest);
      if (byDigest.length > 0) matches = byDigest;
    }
    const digests = new Set(matches.map((d) => d.digest));
    if (digests.size === 1) {
      chosen = matches[0];
    } else if (digests.size > 1) {
      throw new LayoutError(
        `${label}: several different images are named ${describeWanted(image)}: ${matches.map((d) => d.digest).join(", ")}.`
      );
    } else if (manifests.every((d) => refName(d) === void 0 && d.platform !== void 0)) {
      return loadImage(
        layout,
        { digest: sha256(layout.indexBytes), size: layout.indexBytes.length, mediaType: OCI_INDEX },
        layout.indexBytes
      );
    } else {
      const names = manifests.map((d) => refName(d) ?? `(unnamed ${d.digest})`);
      throw new LayoutError(
        `${label} holds ${manifests.length} images and none is named ${describeWanted(image)} (${REF_NAME}). Found: ${names.join(", ")}. Tag the image accordingly or set the image input to one of these.`
      );
    }
  }
  return loadImage(layout, chosen);
}
async function loadImage(layout, top, topBytes) {
  const children = [];
  const blobs = /* @__PURE__ */ new Map();
  const platforms = [];
  let attestations = 0;
  const seen = /* @__PURE__ */ new Set();
  const visit = async (desc, depth, bytesGiven) => {
    if (depth > MAX_DEPTH) throw new LayoutError(`${layout.label}: indexes nest deeper than ${MAX_DEPTH} levels.`);
    const bytes = bytesGiven ?? await readManifest(layout, desc);
    const parsed = parseJson(
      bytes,
      `${layout.label}: manifest ${desc.digest}`
    );
    const mediaType = (typeof parsed.mediaType === "string" ? parsed.mediaType : void 0) ?? desc.mediaType ?? mediaTypeOf(bytes) ?? OCI_MANIFEST;
    const isIndex = isIndexType(mediaType) || !isManifestType(mediaType) && Array.isArray(parsed.manifests);
    const manifest = { digest: desc.digest, mediaType, bytes, kind: isIndex ? "index" : "manifest" };
    if (isIndex) {
      if (!Array.isArray(parsed.manifests))
        throw new LayoutError(`${layout.label}: index ${desc.digest} has no "manifests" list.`);
      for (const [i, entry] of parsed.manifests.entries()) {
        const child = descriptor(entry, `${layout.label}: index ${desc.digest} manifests[${i}]`);
        if (depth === 0) {
          if (child.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") attestations++;
          else platforms.push(platformName(child.platform));
        }
        if (seen.has(child.digest)) continue;
        seen.add(child.digest);
        children.push(await visit(child, depth + 1));
      }
    } else {
      if (!Array.isArray(parsed.layers) || typeof parsed.config !== "object" || parsed.config === null) {
        throw new LayoutError(`${layout.label}: manifest ${desc.digest} (${mediaType}) has no config and layers.`);
      }
      const parts = [descriptor(parsed.config, `${layout.label}: manifest ${desc.digest} config`)];
      for (const [i, layer] of parsed.layers.entries())
        parts.push(descriptor(layer, `${layout.label}: manifest ${desc.digest} layers[${i}]`));
      for (const part of parts) {
        if (blobs.has(part.digest)) continue;
        const size = await layout.blobs.size(part.digest);
        if (size === void 0 && part.urls?.length) continue;
        if (size === void 0)
          throw new LayoutError(`${layout.label}: blob ${part.digest} (listed in manifest ${desc.digest}) is missing.`);
        if (size !== part.size) {
          throw new LayoutError(
            `${layout.label}: blob ${part.digest} is ${size} bytes but manifest ${desc.digest} says ${part.size}; the layout is corrupt.`
          );
        }
        blobs.set(part.digest, part);
      }
    }
    return manifest;
  };
  const root = await visit(top, 0, topBytes);
  const summary = root.kind === "index" ? `index: ${platforms.join(", ") || "no platforms"}${attestations ? ` + ${attestations} attestation${attestations === 1 ? "" : "s"}` : ""}` : "single manifest";
  const name = refName(top);
  return { root, children, blobs: [...blobs.values()], summary, ...name !== void 0 && { refName: name } };
}
async function readManifest(layout, desc) {
  const size = await layout.blobs.size(desc.digest);
  if (size === void 0) throw new LayoutError(`${layout.label}: manifest blob ${desc.digest} is missing.`);
  if (size !== desc.size)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} is ${size} bytes, but its descriptor says ${desc.size}.`
    );
  if (size > MAX_MANIFEST_BYTES) throw new LayoutError(`${layout.label}: manifest ${desc.digest} is larger than 4 MiB.`);
  const bytes = await layout.blobs.read(desc.digest);
  if (sha256(bytes) !== desc.digest)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} does not match its digest; the layout is corrupt.`
    );
  return bytes;
}
function wantedNames(image) {
  const names = /* @__PURE__ */ new Set();
  if (image.tag !== void 0) {
    names.add(image.tag);
    names.add(`${image.repository}:${image.tag}`);
    names.add(`${normalizedRepository(image)}:${image.tag}`);
  }
  names.add(formatReference(image));
  return names;
}
function describeWanted(image) {
  return image.tag !== void 0 ? `"${image.tag}"` : `"${formatReference(image)}"`;
}
function refName(desc) {
  return desc.annotations?.[REF_NAME];
}

// src/registry/push.ts
async function pushImage(options) {
  const { client, image, blobs } = options;
  let blobsUploaded = 0;
  let blobsPresent = 0;
  let bytesUploaded = 0;
  const reference = options.tag ?? image.root.digest;
  if (await client.resolve(image.root.digest) !== void 0) {
    const digest2 = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest);
    info(
      `${image.root.kind === "index" ? "Index" : "Manifest"} ${digest2} already in the registry with all ${image.blobs.length} blobs; tagged ${reference}`
    );
    return {
      digest: digest2,
      mediaType: image.root.mediaType,
      blobsUploaded: 0,
      blobsPresent: image.blobs.length,
      bytesUploaded: 0
    };
  }
  const pending = [...image.blobs].sort((a, b) => b.size - a.size);
  await eachLimited(pending, options.concurrency ?? 4, async (blob) => {
    if (await client.hasBlob(blob.digest)) {
      blobsPresent++;
      info(`Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): already present`);
      return;
    }
    const started = Date.now();
    await client.uploadBlob(blob.digest, blob.size, () => blobs.chunks(blob.digest, blob.size));
    blobsUploaded++;
    bytesUploaded += blob.size;
    info(
      `Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): uploaded in ${((Date.now() - started) / 1e3).toFixed(1)} s`
    );
  });
  for (const child of image.children) {
    await putExact(client, child.digest, child.mediaType, child.bytes, child.digest);
    info(`Manifest ${shortDigest(child.digest)} (${child.kind}) pushed by digest`);
  }
  const digest = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest);
  info(`${image.root.kind === "index" ? "Index" : "Manifest"} ${digest} pushed as ${reference}`);
  return { digest, mediaType: image.root.mediaType, blobsUploaded, blobsPresent, bytesUploaded };
}
async function putExact(client, reference, mediaType, bytes, expected) {
  const digest = await client.putManifest(reference, mediaType, bytes);
  if (digest !== expected) {
    throw new RegistryError(
      `${where(client.target)}: manifest ${reference} was stored as ${digest}, but the layout says ${expected}.`
    );
  }
  return digest;
}

// src/registry/publish.ts
var DEFAULT_TAG = "latest";
async function inspectSource(request) {
  const { image, source, dryRun } = request;
  const name = formatReference(image);
  const push = dryRun ? "would-push" : "pushed";
  if (source.kind === "layout") {
    const { layout, chosen } = await asSourceInput(async () => {
      const layout2 = await openLayout(source.path, source.input);
      return { layout: layout2, chosen: await selectImage(layout2, image) };
    });
    if (image.digest !== void 0 && chosen.root.digest !== image.digest) {
      throw new RegistryError(
        `The image in ${source.input} has digest ${chosen.root.digest}, but the image input pins ${image.digest}. Remove the digest from the image input, or point source at the layout of that image.`
      );
    }
    const bytes = chosen.blobs.reduce((sum, blob) => sum + blob.size, 0);
    return {
      action: push,
      summary: `push ${chosen.summary} from ${source.input} (${chosen.blobs.length} blobs, ${formatBytes(bytes)}) to ${name}`,
      digest: chosen.root.digest,
      mediaType: chosen.root.mediaType,
      ...image.tag !== void 0 && { tag: image.tag },
      layout: { layout, image: chosen }
    };
  }
  if (image.digest !== void 0) {
    return { action: "verified", summary: `verify that ${name} exists in ${image.registry}`, digest: image.digest };
  }
  const tag = image.tag ?? DEFAULT_TAG;
  if (source.kind === "registry") {
    return { action: "resolved", summary: `resolve tag ${tag} of ${image.repository} in the registry`, tag };
  }
  const local = await inspectLocalImage(image, tag);
  if (local === void 0) {
    throw new RegistryError(
      `The local Docker engine has no image ${image.repository}:${tag}. Build or tag it under that name before this step, or use source: registry (already pushed) or the path of an OCI layout.`
    );
  }
  if (!dryRun) return { action: "pushed", summary: `push ${image.repository}:${tag} with docker`, tag };
  const known = local.repoDigests[0];
  if (known === void 0) {
    throw new RegistryError(
      `Dry run cannot know the digest of ${image.repository}:${tag}: it was never pushed to ${image.registry}, and a digest only exists once the registry has the image. Use source: registry for an image that is already pushed, or an OCI layout path (its digest is computed locally).`
    );
  }
  return {
    action: "would-push",
    summary: `push ${image.repository}:${tag} with docker (last pushed as ${shortDigest(known)})`,
    digest: known,
    tag
  };
}
function trustedCredentials({ image, credentials }) {
  if (credentials === void 0 || acceptsGoogleCredentials(image.registry)) return credentials;
  warning(
    `${image.registry} is not a Google registry: the Google Cloud credentials are not sent to it, and it is accessed anonymously. Drop workload-identity-provider (and GOOGLE_APPLICATION_CREDENTIALS) for this image, or push it to Artifact Registry.`
  );
  return void 0;
}
async function asSourceInput(read) {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error;
    throw new InputError(
      "source",
      `${error.message} It must be an OCI image layout directory, or a tar of one, relative to GITHUB_WORKSPACE.`
    );
  }
}
async function publishImage(request, plan) {
  const { image } = request;
  const credentials = trustedCredentials(request);
  const chosen = plan ?? await inspectSource(request);
  const writes = chosen.action === "pushed";
  const client = new RegistryClient({
    registry: image.registry,
    repository: image.path,
    ...credentials !== void 0 && { credentials },
    access: writes ? "push" : "pull"
  });
  const base = { registry: image.registry, pushed: false, blobsUploaded: 0, blobsPresent: 0, bytesUploaded: 0 };
  info(`Image: ${chosen.action === "would-push" ? "dry run, would " : ""}${chosen.summary}`);
  switch (chosen.action) {
    case "verified": {
      const found = await client.resolve(chosen.digest);
      if (found === void 0) {
        throw new RegistryError(
          `${formatReference(image)} is not in the registry ${image.registry}: no manifest with that digest in ${image.path}. Push the image first, or correct the digest in the image input. Nothing was written.`
        );
      }
      info(`Digest ${found.digest} exists in ${image.registry}/${image.path} (${found.mediaType})`);
      return { ...base, action: "verified", digest: found.digest, mediaType: found.mediaType };
    }
    case "resolved": {
      const found = await client.resolve(chosen.tag);
      if (found === void 0) {
        throw new RegistryError(
          `Tag ${chosen.tag} of ${image.repository} is not in the registry ${image.registry}. Push ${image.repository}:${chosen.tag} before this step, or use source: docker or an OCI layout path so the action pushes it.`
        );
      }
      info(`Tag ${chosen.tag} resolves to ${found.digest} (${found.mediaType})`);
      return { ...base, action: "resolved", digest: found.digest, mediaType: found.mediaType };
    }
    case "would-push":
      info(`Dry run: nothing pushed; the digest would be ${chosen.digest}`);
      return { ...base, action: "would-push", digest: chosen.digest, mediaType: chosen.mediaType ?? "" };
    case "pushed": {
      if (chosen.layout !== void 0) {
        const result = await pushImage({
          client,
          image: chosen.layout.image,
          blobs: chosen.layout.layout.blobs,
          ...chosen.tag !== void 0 && { tag: chosen.tag }
        });
        info(
          `Pushed ${image.repository}@${result.digest}: ${result.blobsUploaded} blobs uploaded (${formatBytes(result.bytesUploaded)}), ${result.blobsPresent} already present`
        );
        return { ...base, ...result, action: "pushed", pushed: true };
      }
      const pushed = await pushWithDocker({
        image,
        tag: chosen.tag,
        client,
        ...credentials !== void 0 && { credentials }
      });
      info(`Pushed ${image.repository}:${chosen.tag} with docker: ${pushed.digest}`);
      return { ...base, action: "pushed", pushed: true, digest: pushed.digest, mediaType: pushed.mediaType };
    }
  }
}

// src/fleet/publish.ts
async function inspectImages(settings) {
  const inspected = [];
  for (const image of settings.images) {
    inspected.push({ image, plan: await inspectSource({ image, source: settings.source, dryRun: settings.dryRun }) });
  }
  return inspected;
}
async function publishImages(settings, inspected, credentials) {
  const results = [];
  for (const { image, plan } of inspected) {
    const request = { image, source: settings.source, dryRun: settings.dryRun };
    results.push(await publishImage({ ...request, ...credentials !== void 0 && { credentials } }, plan));
  }
  return results;
}
export {
  inspectImages,
  publishImages
};
