import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  maskSecret
} from "./chunk-secrets.js";
import {
  GOOGLE_TOKEN,
  retry
} from "./chunk-net-budget.js";
import {
  InputError
} from "./chunk-errors.js";

// src/oidc.ts
function canRequestIdToken(env = process.env) {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}
function missingIdTokenError(input) {
  return new InputError(
    input,
    "needs a GitHub OIDC token, but this job cannot request one (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). Give the workflow or job `permissions: id-token: write` (plus `contents: read`: listing permissions drops the defaults). Pull requests from forks and Dependabot runs get no OIDC token at all; deploy from push or workflow_dispatch events instead."
  );
}
var IdTokenError = class extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
    this.name = "IdTokenError";
  }
  status;
};
async function requestIdToken(audience, options = {}) {
  const env = options.env ?? process.env;
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) throw new IdTokenError("ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN are not set");
  maskSecret(requestToken);
  const url = new URL(requestUrl);
  url.searchParams.set("audience", audience);
  const { proxiedFetch } = await import("./net-proxy.js");
  return retry(
    async () => {
      const { fetchSameOrigin } = await import("./net-same-origin.js");
      const response = await fetchSameOrigin(proxiedFetch, url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: "application/json" },
        signal: AbortSignal.timeout(3e4)
      });
      const text = await response.text();
      if (!response.ok) {
        throw new IdTokenError(`the GitHub OIDC endpoint answered HTTP ${response.status}`, response.status);
      }
      let value;
      try {
        value = JSON.parse(text).value;
      } catch {
        value = void 0;
      }
      if (typeof value !== "string" || value === "") {
        throw new IdTokenError('the GitHub OIDC endpoint answered without a token ("value")');
      }
      maskSecret(value);
      return value;
    },
    { policy: options.policy ?? GOOGLE_TOKEN, ...options.clock !== void 0 && { clock: options.clock } }
  );
}

export {
  canRequestIdToken,
  missingIdTokenError,
  IdTokenError,
  requestIdToken
};
