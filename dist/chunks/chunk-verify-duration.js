import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/verify/duration.ts
var UNIT_MS = { h: 36e5, m: 6e4, s: 1e3, ms: 1 };
function parseDuration(value) {
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) * 1e3;
  if (!/^(\d+(h|ms|m|s))+$/.test(text)) return void 0;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(h|ms|m|s)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}
function formatDuration(ms) {
  const seconds = Math.round(ms / 1e3);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
}

export {
  parseDuration,
  formatDuration
};
