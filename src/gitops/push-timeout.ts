// The `push-timeout` input: how long a push-mode run keeps retrying while other workflows keep
// moving the base branch. Parsed here, called from settings.ts.
import { InputError } from '../errors.js'

export const DEFAULT_PUSH_TIMEOUT_MS = 5 * 60_000

const UNITS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000 }

/** `90s`, `5m`, `1h` or plain seconds (`300`); empty: the default of 5 minutes. */
export function parsePushTimeout(value: string): number {
  const trimmed = value.trim()
  if (trimmed === '') return DEFAULT_PUSH_TIMEOUT_MS
  const match = /^(\d+(?:\.\d+)?)\s*([smh]?)$/.exec(trimmed)
  const ms = match === null ? NaN : Number(match[1]) * UNITS[match[2]!]!
  if (!Number.isFinite(ms) || ms <= 0 || ms > 6 * 3_600_000) {
    throw new InputError(
      'push-timeout',
      `"${trimmed}" is not a duration; write seconds (\`300\`) or a number with s, m or h (\`90s\`, \`5m\`), at most 6h.`,
    )
  }
  return Math.round(ms)
}
