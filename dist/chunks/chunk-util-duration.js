import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  InputError
} from "./chunk-errors.js";

// src/util/duration.ts
var UNIT_MS = { h: 36e5, m: 6e4, s: 1e3, ms: 1 };
var PART = /(\d+(?:\.\d+)?)\s*(ms|h|m|s)/g;
function parseDuration(value) {
  const text = value.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1e3);
  if (text === "" || text.replace(PART, "").trim() !== "") return void 0;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}
function durationInput(name, value, fallback, maxMs = Infinity) {
  const text = value.trim() || fallback;
  const ms = parseDuration(text);
  if (ms === void 0 || ms <= 0 || ms > maxMs) {
    throw new InputError(
      name,
      `"${text}" is not a duration: use seconds (\`600\`) or a unit (\`90s\`, \`5m\`, \`1h\`)` + (maxMs === Infinity ? "." : `, at most ${formatDuration(maxMs)}.`)
    );
  }
  return ms;
}
function formatDuration(ms) {
  const seconds = Math.round(ms / 1e3);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes >= 60 && rest === 0 && minutes % 60 === 0) return `${minutes / 60}h`;
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}

export {
  durationInput,
  formatDuration
};
