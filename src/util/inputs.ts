// Reading action inputs the same way everywhere (settings.ts, verify/settings.ts,
// attest/settings.ts): lists, tokens, paths in the workspace. A leaf module, so that the settings
// modules can share it without importing each other.
import * as core from '@actions/core'
import * as path from 'node:path'
import { InputError, errorMessage } from '../errors.js'
import { isHttpsOrLoopback } from '../image/reference.js'
import { maskSecret } from '../secrets.js'

/** Splits a newline- or comma-separated input, dropping blanks. */
export function list(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** An input holding a token: masked before anything can print it. */
export function secretInput(name: string): string {
  const value = core.getInput(name).trim()
  maskSecret(value)
  return value
}

/** A token input that must be set: masked first, then one error saying what it needs when empty. */
export function requiredSecret(name: string, whenEmpty: string): string {
  const value = secretInput(name)
  if (value === '') throw new InputError(name, `is empty. ${whenEmpty}`)
  return value
}

/**
 * A path input relative to GITHUB_WORKSPACE, resolved; an absolute path or one that leaves the
 * workspace is an error naming the input. Outside means a first segment of exactly "..": a folder
 * named "..oci" is inside.
 */
export function workspacePath(name: string, value: string, workspace: string): string {
  if (path.isAbsolute(value)) {
    throw new InputError(name, `"${value}" must be relative to GITHUB_WORKSPACE (${workspace}).`)
  }
  const resolved = path.resolve(workspace, value)
  const relative = path.relative(workspace, resolved)
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    throw new InputError(name, `"${value}" points outside GITHUB_WORKSPACE.`)
  }
  return resolved
}

/** A required input, trimmed. */
export function required(name: string): string {
  const value = core.getInput(name).trim()
  if (!value) throw new InputError(name, 'is required but empty.')
  return value
}

/** `true` or `false` (empty: false). */
export function bool(name: string): boolean {
  const value = core.getInput(name).trim().toLowerCase()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  throw new InputError(name, `"${value}" is not a boolean; use true or false.`)
}

/** One of `allowed` (empty: `fallback`). */
export function oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(name, `"${value}" is not one of ${allowed.map((a) => `"${a}"`).join(', ')}.`)
}

/** A branch name (`refs/heads/` dropped); undefined when empty. */
export function branchInput(name: string): string | undefined {
  const value = core
    .getInput(name)
    .trim()
    .replace(/^refs\/heads\//, '')
  if (!value) return undefined
  // The subset of git-check-ref-format that matters for names people type.
  if (/(^[./-])|\.\.|[\s~^:?*[\\]|@\{|\/\/|\.lock$|[./]$/.test(value)) {
    throw new InputError(name, `"${value}" is not a valid branch name.`)
  }
  return value
}

/** An endpoint URL a token travels to (empty: `fallback`), without its trailing slash. */
export function url(name: string, fallback: string): string {
  const value = core.getInput(name).trim() || fallback
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new InputError(name, `"${value}" is not a URL.`)
  }
  // Tokens travel to these endpoints: plain http only to the machine itself.
  if (!isHttpsOrLoopback(parsed)) {
    throw new InputError(name, `"${value}" must be an https URL.`)
  }
  return value.replace(/\/+$/, '')
}

/** Runs a parser of `input`'s value; what it throws becomes one error naming the input. */
export function parse<T>(input: string, parser: () => T): T {
  try {
    return parser()
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(input, errorMessage(error))
  }
}
