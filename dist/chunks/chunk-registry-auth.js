import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  RegistryError,
  UnauthorizedError,
  registryErrorDetail,
  remedy,
  statusFailure,
  where
} from "./chunk-registry-errors.js";
import {
  isDigest,
  isHttpsOrLoopback,
  isLoopbackHost,
  shortDigest
} from "./chunk-image-reference.js";
import {
  maskSecret,
  scrubSecrets
} from "./chunk-secrets.js";
import {
  proxyDispatcher
} from "./chunk-net-undici-proxy.js";
import {
  BLOB_UPLOAD,
  REGISTRY_REQUEST,
  answerTimeout,
  isTransientStatus,
  networkErrorCode,
  parseRetryAfter,
  retry,
  statusOf,
  systemClock,
  transientFailure
} from "./chunk-net-budget.js";
import {
  info
} from "./chunk-actions-core-lib-command.js";
import {
  require_undici
} from "./chunk-undici-index.js";
import {
  proxyFor
} from "./chunk-net-proxy.js";
import {
  __toESM
} from "./chunk-esbuild-runtime.js";

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

// src/registry/chunk-reader.ts
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

// src/registry/http.ts
var import_undici = __toESM(require_undici(), 1);
import { getDefaultHighWaterMark } from "node:stream";
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
var DEFAULT_ANSWER_TIMEOUT_MS = 3e4;
var CONNECTIONS = 16;
var direct;
function dispatcherFor(url) {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`unsupported URL scheme ${url.protocol}`);
  const proxy = proxyFor(url);
  return proxy === void 0 ? direct ??= new import_undici.Agent({ connections: CONNECTIONS }) : proxyDispatcher(proxy);
}
var Abandoned = class extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
  code;
};
async function send(request) {
  const { url, method } = request;
  const idleMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const answerTimeoutMs = request.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const controller = new AbortController();
  let answerTimer;
  const startAnswerClock = () => {
    answerTimer ??= setTimeout(() => {
      const seconds = Number((answerTimeoutMs / 1e3).toFixed(1));
      controller.abort(new Abandoned(`no complete answer within ${seconds} s of the request`, "ETIMEDOUT"));
    }, answerTimeoutMs);
  };
  const body = request.body;
  try {
    const headers = { ...request.headers };
    if (body !== void 0) headers["content-length"] = String(body.length);
    if (body === void 0 || Buffer.isBuffer(body)) startAnswerClock();
    const response = await (0, import_undici.request)(url, {
      method,
      headers,
      ...body !== void 0 && {
        // undici writes an async iterable as it comes (its types list only Readable).
        body: Buffer.isBuffer(body) ? body : streamed(body, startAnswerClock, controller.signal)
      },
      dispatcher: dispatcherFor(url),
      signal: controller.signal,
      headersTimeout: idleMs,
      bodyTimeout: idleMs
    });
    startAnswerClock();
    const pieces = [];
    let received = 0;
    for await (const piece of response.body) {
      received += piece.length;
      if (received > limit) {
        controller.abort(new Abandoned(`response body larger than ${limit} bytes`));
        throw new Abandoned(`response body larger than ${limit} bytes`);
      }
      pieces.push(piece);
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.concat(pieces)
    };
  } catch (error) {
    throw asNetworkError(controller.signal.aborted ? controller.signal.reason : error, method, url);
  } finally {
    clearTimeout(answerTimer);
  }
}
async function* streamed(body, finished, signal) {
  const highWaterMark = getDefaultHighWaterMark(false);
  let sent = 0;
  for await (const chunk of body.chunks) {
    if (signal.aborted) return;
    sent += chunk.length;
    if (sent > body.length) throw new Error(`request body longer than the declared ${body.length} bytes`);
    yield chunk.length <= highWaterMark ? Buffer.from(chunk) : chunk;
  }
  if (sent !== body.length) throw new Error(`request body ended after ${sent} of ${body.length} bytes`);
  finished();
}
function asNetworkError(error, method, url) {
  if (error instanceof NetworkError) return error;
  if (typeof error !== "object" || error === null || typeof error.message !== "string")
    return new Error(String(error));
  const code = error.code;
  const message = error.message;
  if (networkErrorCode(error) !== void 0 || /socket hang up|other side closed/i.test(message)) {
    return new NetworkError(`${method} ${url.host}${url.pathname}: ${message}`, code ?? "ECONNRESET", { cause: error });
  }
  return error;
}
function header(response, name) {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

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
    const now = () => (clock ?? systemClock).now();
    const deadline = now() + (policy.deadlineMs ?? Infinity);
    try {
      return await retry(
        async () => {
          let response;
          try {
            response = await send({
              method: "GET",
              url,
              headers,
              maxResponseBytes: 1024 * 1024,
              answerTimeoutMs: answerTimeout(deadline, now())
            });
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
  const encoded = Buffer.from(`${OAUTH_USER}:${accessToken}`).toString("base64");
  maskSecret(encoded);
  return `Basic ${encoded}`;
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

// src/registry/transport.ts
var MAX_REDIRECTS = 5;
var RegistryTransport = class {
  target;
  origin;
  auth;
  requestPolicy;
  clock;
  access;
  hasCredentials;
  constructor(options) {
    this.target = options.target;
    const scheme = isLoopbackHost(options.target.registry) ? "http" : "https";
    this.origin = new URL(`${scheme}://${apiHost(options.target.registry)}`);
    this.requestPolicy = options.requestPolicy;
    this.clock = options.clock;
    this.access = options.access;
    this.hasCredentials = options.credentials !== void 0;
    this.auth = new Authenticator({
      target: this.target,
      origin: this.origin,
      access: this.access,
      ...options.credentials !== void 0 && { credentials: options.credentials },
      retry: this.requestPolicy,
      ...options.clock !== void 0 && { clock: options.clock }
    });
  }
  /** One operation with authentication and redirects, retried under REGISTRY_REQUEST where the body allows. */
  request(op) {
    if (!op.retry) return this.exchange(op);
    const clock = this.clock ?? systemClock;
    const deadline = clock.now() + (this.requestPolicy.deadlineMs ?? Infinity);
    return retry(() => this.exchange(op, answerTimeout(deadline, clock.now())), {
      policy: this.requestPolicy,
      onRetry: ({ attempt, reason }) => info(
        `${where(this.target)}: ${op.name}: ${reason}, retrying (attempt ${attempt + 1} of ${this.requestPolicy.attempts})`
      ),
      ...this.clock !== void 0 && { clock: this.clock }
    });
  }
  /** One try: the response if its status is in `op.ok`, else a RegistryError with the status. */
  async exchange(op, answerTimeoutMs) {
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
          ...op.maxResponseBytes !== void 0 && { maxResponseBytes: op.maxResponseBytes },
          ...answerTimeoutMs !== void 0 && { answerTimeoutMs }
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
  /** `/v2/REPOSITORY/path` on the registry. */
  url(path) {
    return new URL(`/v2/${this.target.repository}/${path}`, this.origin);
  }
  /** The Location of an upload answer, on the registry or a storage host, https unless loopback. */
  location(response, operation) {
    const location = header(response, "location");
    if (location === void 0) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} answered HTTP ${response.status} without a Location header.`
      );
    }
    const url = new URL(location, this.origin);
    if (!isHttpsOrLoopback(url)) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} sent the upload to a plain-http location (${url.host}); refusing.`
      );
    }
    return url;
  }
};
function isRedirect(status) {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
function apiHost(registry) {
  return registry === "docker.io" ? "registry-1.docker.io" : registry;
}

// src/util/digest.ts
import { createHash } from "node:crypto";
function sha256(bytes) {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

// src/registry/client.ts
var MIB = 1024 * 1024;
var MAX_REAUTH_RESTARTS = 2;
var RegistryClient = class {
  target;
  transport;
  uploadPolicy;
  clock;
  monolithicLimit;
  chunkSize;
  constructor(options) {
    this.target = { registry: options.registry, repository: options.repository };
    this.transport = new RegistryTransport({
      target: this.target,
      ...options.credentials !== void 0 && { credentials: options.credentials },
      access: options.access ?? "push",
      requestPolicy: { ...REGISTRY_REQUEST, ...options.retry },
      ...options.clock !== void 0 && { clock: options.clock }
    });
    this.uploadPolicy = { ...BLOB_UPLOAD, ...options.retry, deadlineMs: void 0 };
    this.clock = options.clock;
    this.monolithicLimit = options.monolithicLimit ?? 16 * MIB;
    this.chunkSize = Math.max(1, options.chunkSize ?? 64 * MIB);
  }
  /** The manifest a tag or digest names, or undefined when the registry does not have it. */
  async resolve(reference) {
    if (!isDigest(reference)) return this.resolveTag(reference);
    const response = await this.transport.request({
      name: `HEAD manifest ${reference}`,
      method: "HEAD",
      url: this.transport.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200, 404],
      retry: true
    });
    if (response.status === 404) return void 0;
    const digest = header(response, "docker-content-digest");
    const mediaType = baseMediaType(header(response, "content-type"));
    const size = Number(header(response, "content-length"));
    if (digest !== void 0 && isDigest(digest) && mediaType && Number.isSafeInteger(size)) {
      if (digest !== reference) {
        throw new RegistryError(`${where(this.target)}: HEAD manifest ${reference} answered with digest ${digest}.`);
      }
      return { digest, mediaType, size };
    }
    const manifest = await this.getManifest(reference);
    return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
  }
  /**
   * A tag's digest is the hash of the manifest bytes the tag serves, not what the registry's
   * `Docker-Content-Digest` says: a registry (or whatever answers in its place) that names
   * another digest, or serves bytes it does not hold under their digest, is refused.
   */
  async resolveTag(tag) {
    const manifest = await this.fetchManifest(tag, [200, 404]);
    if (manifest === void 0) return void 0;
    const { digest, reported } = manifest;
    if (reported !== void 0 && reported !== digest) {
      throw new RegistryError(
        `${where(this.target)}: tag ${tag} was answered with Docker-Content-Digest ${reported}, but the manifest's bytes hash to ${digest}. The registry's answer cannot be trusted; nothing was written.`
      );
    }
    const held = await this.resolve(digest);
    if (held === void 0) {
      throw new RegistryError(
        `${where(this.target)}: tag ${tag} serves manifest ${digest}, but the registry has no manifest with that digest. The registry's answer cannot be trusted; nothing was written.`
      );
    }
    return { digest, mediaType: manifest.mediaType, size: manifest.bytes.length };
  }
  async getManifest(reference) {
    return await this.fetchManifest(reference, [200]);
  }
  async fetchManifest(reference, ok) {
    const response = await this.transport.request({
      name: `GET manifest ${reference}`,
      method: "GET",
      url: this.transport.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok,
      retry: true,
      maxResponseBytes: 4 * MIB
    });
    if (response.status === 404) return void 0;
    const bytes = response.body;
    const digest = sha256(bytes);
    if (isDigest(reference) && digest !== reference) {
      throw new RegistryError(
        `${where(this.target)}: GET manifest ${reference} returned bytes whose digest is ${digest}.`
      );
    }
    const mediaType = baseMediaType(header(response, "content-type"));
    const reported = header(response, "docker-content-digest");
    return {
      bytes,
      digest,
      mediaType: mediaType && mediaType !== "application/json" ? mediaType : mediaTypeOf(bytes) ?? mediaType ?? "",
      ...reported !== void 0 && { reported }
    };
  }
  async hasBlob(digest) {
    const response = await this.transport.request({
      name: `HEAD blob ${shortDigest(digest)}`,
      method: "HEAD",
      url: this.transport.url(`blobs/${digest}`),
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
  async uploadBlob(digest, size, open) {
    let reauths = 0;
    await retry(() => this.uploadOnce(digest, size, open), {
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
    const response = await this.transport.request({
      name: `PUT manifest ${reference}`,
      method: "PUT",
      url: this.transport.url(`manifests/${reference}`),
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
  async uploadOnce(digest, size, open) {
    const short = shortDigest(digest);
    const started = await this.transport.request({
      name: `start upload of blob ${short}`,
      method: "POST",
      url: this.transport.url("blobs/uploads/"),
      ok: [202],
      retry: true
    });
    let location = this.transport.location(started, `start upload of blob ${short}`);
    const source = open();
    const reader = new ChunkReader(source[Symbol.asyncIterator]());
    let completed;
    try {
      if (size < this.monolithicLimit) {
        completed = await this.transport.request({
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
          const response = await this.transport.request({
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
          location = this.transport.location(response, name);
        }
        completed = await this.transport.request({
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
};
function withDigest(location, digest) {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url;
}

export {
  OCI_INDEX,
  OCI_MANIFEST,
  isIndexType,
  isManifestType,
  mediaTypeOf,
  platformName,
  acceptsGoogleCredentials,
  sha256,
  RegistryClient
};
