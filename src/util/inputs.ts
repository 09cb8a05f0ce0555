// Reading action inputs the same way everywhere (settings.ts, verify/settings.ts,
// attest/settings.ts): lists, tokens, paths in the workspace. A leaf module, so that the settings
// modules can share it without importing each other.
import * as core from '@actions/core'
import * as path from 'node:path'
import { InputError } from '../errors.js'
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
