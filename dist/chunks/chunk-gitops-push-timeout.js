import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-errors.js";

// src/gitops/push-timeout.ts
var DEFAULT_PUSH_TIMEOUT_MS = 5 * 6e4;
var UNITS = { "": 1e3, s: 1e3, m: 6e4, h: 36e5 };
function parsePushTimeout(value) {
  const trimmed = value.trim();
  if (trimmed === "") return DEFAULT_PUSH_TIMEOUT_MS;
  const match = /^(\d+(?:\.\d+)?)\s*([smh]?)$/.exec(trimmed);
  const ms = match === null ? NaN : Number(match[1]) * UNITS[match[2]];
  if (!Number.isFinite(ms) || ms <= 0 || ms > 6 * 36e5) {
    throw new InputError(
      "push-timeout",
      `"${trimmed}" is not a duration; write seconds (\`300\`) or a number with s, m or h (\`90s\`, \`5m\`), at most 6h.`
    );
  }
  return Math.round(ms);
}

export {
  DEFAULT_PUSH_TIMEOUT_MS,
  parsePushTimeout
};
