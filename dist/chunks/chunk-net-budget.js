import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/net/retry.ts
var systemClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
};
async function retry(work, options) {
  const { policy } = options;
  const clock = options.clock ?? systemClock;
  const classify = options.classify ?? transientFailure;
  const deadline = policy.deadlineMs === void 0 ? Infinity : clock.now() + policy.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const decision = classify(error);
      if (!decision.retry) throw error;
      if (policy.attempts !== void 0 && attempt >= policy.attempts) throw error;
      const delayMs = decision.delayMs ?? nextDelay(policy, attempt, decision.afterMs);
      if (delayMs === void 0 || clock.now() + delayMs > deadline) throw error;
      options.onRetry?.({ attempt, delayMs, reason: decision.reason, error });
      await clock.sleep(delayMs);
    }
  }
}
function nextDelay(policy, attempt, retryAfterMs) {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(cap / 2 + Math.random() * (cap / 2));
  if (retryAfterMs === void 0) return jittered;
  if (retryAfterMs > (policy.maxRetryAfterMs ?? policy.maxDelayMs * 3)) return void 0;
  return Math.max(jittered, retryAfterMs);
}
function isTransientStatus(status) {
  return status === 408 || status === 429 || status >= 500 && status !== 501 && status !== 505;
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED"
]);
function networkErrorCode(error) {
  for (let current = error, depth = 0; current !== void 0 && current !== null && depth < 5; depth++) {
    if (typeof current !== "object") return void 0;
    const code = current.code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return code;
    if (current.name === "TimeoutError") return "ETIMEDOUT";
    current = current.cause;
  }
  return void 0;
}
function statusOf(error) {
  if (typeof error !== "object" || error === null) return void 0;
  const { status, statusCode, request, response } = error;
  if (request !== void 0 && response === void 0) return void 0;
  if (typeof status === "number" && status > 0) return status;
  if (typeof statusCode === "number" && statusCode > 0) return statusCode;
  return void 0;
}
function parseRetryAfter(value, now = Date.now()) {
  if (value === void 0 || value === null || value.trim() === "") return void 0;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1e3;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function transientFailure(error) {
  const status = statusOf(error);
  const afterMs = error?.retryAfterMs;
  const retryAfter = typeof afterMs === "number" ? { afterMs } : {};
  if (status !== void 0) {
    return isTransientStatus(status) ? { retry: true, reason: `HTTP ${status}`, ...retryAfter } : { retry: false };
  }
  const code = networkErrorCode(error);
  return code === void 0 ? { retry: false } : { retry: true, reason: code, ...retryAfter };
}

// src/net/budget.ts
var MAX_RATE_LIMIT_WAIT_MS = 6e4;
var GITHUB_REQUEST = { attempts: 4, baseDelayMs: 500 };
var GITHUB_RATE_LIMIT_RETRIES = 3;
var GITHUB_REQUEST_TIMEOUT_MS = 6e4;
var GOOGLE_TOKEN = { attempts: 4, deadlineMs: 6e4, baseDelayMs: 500, maxDelayMs: 8e3 };
var REGISTRY_REQUEST = {
  attempts: 5,
  deadlineMs: 12e4,
  baseDelayMs: 500,
  maxDelayMs: 1e4,
  maxRetryAfterMs: 3e4
};
var REGISTRY_ANSWER_TIMEOUT_MS = 3e4;
function answerTimeout(deadline, now) {
  return Math.max(1e3, Math.min(REGISTRY_ANSWER_TIMEOUT_MS, deadline - now));
}
var BLOB_UPLOAD = { attempts: 5, baseDelayMs: 500, maxDelayMs: 1e4, maxRetryAfterMs: 3e4 };

export {
  systemClock,
  retry,
  nextDelay,
  isTransientStatus,
  networkErrorCode,
  statusOf,
  parseRetryAfter,
  transientFailure,
  MAX_RATE_LIMIT_WAIT_MS,
  GITHUB_REQUEST,
  GITHUB_RATE_LIMIT_RETRIES,
  GITHUB_REQUEST_TIMEOUT_MS,
  GOOGLE_TOKEN,
  REGISTRY_REQUEST,
  answerTimeout,
  BLOB_UPLOAD
};
