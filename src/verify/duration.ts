// Durations as people type them in workflow files. Pure.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }

/**
 * `600` (seconds), `90s`, `5m`, `1h`, `1m30s`, `500ms` → milliseconds; undefined when it is none
 * of these.
 */
export function parseDuration(value: string): number | undefined {
  const text = value.trim().toLowerCase()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/^(\d+(h|ms|m|s))+$/.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(/(\d+)(h|ms|m|s)/g)) total += Number(amount) * UNIT_MS[unit!]!
  return total
}

/** 95000 → `1m35s`; for messages. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`
}
