import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  setSecret
} from "./chunk-actions-core-lib-command.js";

// src/secrets.ts
var known = /* @__PURE__ */ new Set();
var JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.([A-Za-z0-9_-]{16,})$/;
function maskSecret(value) {
  if (!value || value.length < 8 || known.has(value)) return;
  known.add(value);
  const signature = JWT.exec(value)?.[1];
  setSecret(signature ?? value);
}
function scrubSecrets(text) {
  let result = text;
  for (const secret of known) {
    result = result.split(secret).join("***");
    const signature = JWT.exec(secret)?.[1];
    if (signature !== void 0) result = result.split(signature).join("***");
  }
  return result;
}
var ECHOED_CREDENTIALS = [
  [/\b(Basic|Bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1$2***"],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g, "***"]
];
function scrubCredentials(text) {
  let result = scrubSecrets(text);
  for (const [pattern, replacement] of ECHOED_CREDENTIALS) result = result.replace(pattern, replacement);
  return result;
}

export {
  maskSecret,
  scrubSecrets,
  scrubCredentials
};
