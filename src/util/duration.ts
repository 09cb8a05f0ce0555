// Durations as people type them in workflow files, one rule for every duration input
// (`push-timeout`, `verify-timeout`, `smoke-test-timeout`, …). Pure.
import { InputError } from '../errors.js'

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }
const PART = /(\d+(?:\.\d+)?)\s*(ms|h|m|s)/g

/**
 * `600` (seconds), `90s`, `5m`, `1.5m`, `1h`, `1m30s`, `500ms` → milliseconds (rounded);
 * undefined when it is none of these.
 */
export function parseDuration(value: string): number | undefined {
  const text = value.trim().toLowerCase()
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  if (text === '' || text.replace(PART, '').trim() !== '') return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!]!
  return Math.round(total)
}

/**
 * A duration input's value in milliseconds: `fallback` when empty; one error naming the input
 * when it is not a positive duration or exceeds `maxMs`.
 */
export function durationInput(name: string, value: string, fallback: string, maxMs = Infinity): number {
  const text = value.trim() || fallback
  const ms = parseDuration(text)
  if (ms === undefined || ms <= 0 || ms > maxMs) {
    throw new InputError(
      name,
      `"${text}" is not a duration: use seconds (\`600\`) or a unit (\`90s\`, \`5m\`, \`1h\`)` +
        (maxMs === Infinity ? '.' : `, at most ${formatDuration(maxMs)}.`),
    )
  }
  return ms
}

/** 95000 → `1m35s`; 7200000 → `2h`; for messages. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  if (minutes >= 60 && rest === 0 && minutes % 60 === 0) return `${minutes / 60}h`
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`
}
