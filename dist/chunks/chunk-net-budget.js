import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

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
var BLOB_UPLOAD = { attempts: 5, baseDelayMs: 500, maxDelayMs: 1e4, maxRetryAfterMs: 3e4 };

export {
  MAX_RATE_LIMIT_WAIT_MS,
  GITHUB_REQUEST,
  GITHUB_RATE_LIMIT_RETRIES,
  GITHUB_REQUEST_TIMEOUT_MS,
  GOOGLE_TOKEN,
  REGISTRY_REQUEST,
  BLOB_UPLOAD
};
