// The Sigstore roots bundles are verified against: a trusted_root.json the user pins
// (`attestation-trusted-root`; a .jsonl with one root per line, as `gh attestation trusted-root`
// writes, holds several), or Sigstore's public-good root fetched and verified through TUF.
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { TrustedRoot } from '@sigstore/protobuf-specs'
import { DEFAULT_MIRROR_URL, type TUFOptions, getTrustedRoot } from '@sigstore/tuf'
import { type TrustMaterial, type VerifierOptions, toTrustMaterial } from '@sigstore/verify'
import { InputError, errorMessage } from '../errors.js'
import { proxyFor } from '../net/proxy.js'
import type { AttestationSettings } from './settings.js'

export interface TrustRoot {
  /** Where it came from, for messages: `trusted_root.json`, `trusted_root.jsonl line 2`, … */
  readonly name: string
  readonly material: TrustMaterial
  /** The evidence this root asks of a bundle. */
  readonly thresholds: VerifierOptions
  /** When its certificate authorities may have issued signing certificates. */
  readonly authorityWindows: readonly { readonly start: Date; readonly end: Date }[]
}

/** How the public-good root is fetched; tests and GitHub Enterprise mirrors swap the parts. */
export interface TufSource {
  readonly mirrorURL: string
  readonly cachePath: string
  /** The initial TUF root for a mirror @sigstore/tuf ships no seed for. */
  readonly rootPath?: string
  readonly fetchRoot: (options: TUFOptions) => Promise<TrustedRoot>
}

export function defaultTufSource(env: NodeJS.ProcessEnv = process.env): TufSource {
  return {
    mirrorURL: DEFAULT_MIRROR_URL,
    // The runner's temp folder is emptied after each job: no stale metadata between jobs.
    cachePath: path.join(env.RUNNER_TEMP || tmpdir(), 'gitops-deploy-action-sigstore-tuf'),
    fetchRoot: (options) => withProxiedFetch(() => getTrustedRoot(options)),
  }
}

/**
 * tuf-js fetches with the global `fetch`, which ignores HTTPS_PROXY; for the length of the TUF
 * update it is the action's proxy-aware one, so the mirror is reached like every other host.
 */
async function withProxiedFetch<T>(work: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch
  globalThis.fetch = async (input, init) => {
    const proxy = proxyFor(new URL(input instanceof Request ? input.url : input.toString()))
    if (proxy === undefined) return original(input, init)
    const { fetchThrough } = await import('../net/undici-proxy.js')
    return fetchThrough(proxy, input, init)
  }
  try {
    return await work()
  } finally {
    globalThis.fetch = original
  }
}

export async function loadTrustRoots(
  settings: Pick<AttestationSettings, 'trustedRoot'>,
  tuf: TufSource = defaultTufSource(),
): Promise<TrustRoot[]> {
  if (settings.trustedRoot !== undefined) return readTrustedRootFile(settings.trustedRoot)
  let root: TrustedRoot
  try {
    root = await tuf.fetchRoot({
      mirrorURL: tuf.mirrorURL,
      cachePath: tuf.cachePath,
      ...(tuf.rootPath !== undefined && { rootPath: tuf.rootPath }),
    })
  } catch (error) {
    throw new Error(
      `Could not fetch Sigstore's trusted root through TUF from ${tuf.mirrorURL}: ${causeChain(error)}. ` +
        'To verify without it (no network access, GitHub Enterprise Server, a pinned root), write the root in an earlier step ' +
        '(`gh attestation trusted-root > trusted_root.jsonl`) and pass `attestation-trusted-root: trusted_root.jsonl`.',
      { cause: error },
    )
  }
  return [trustRoot(root, `Sigstore's public-good root (TUF, ${tuf.mirrorURL})`)]
}

async function readTrustedRootFile(file: { path: string; input: string }): Promise<TrustRoot[]> {
  let text: string
  try {
    text = await readFile(file.path, 'utf8')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new InputError(
      'attestation-trusted-root',
      missing
        ? `${file.input} does not exist in GITHUB_WORKSPACE. Write the root in an earlier step (e.g. \`gh attestation trusted-root > ${file.input}\`).`
        : `cannot read ${file.input}: ${errorMessage(error)}`,
    )
  }
  return rootsFromText(text, file.input, (message) => new InputError('attestation-trusted-root', message))
}

/**
 * The roots in a trusted_root.json or JSON Lines text; `source` names it in messages, and
 * `problem` makes the error for text that holds no usable root.
 */
export function rootsFromText(text: string, source: string, problem: (message: string) => Error): TrustRoot[] {
  return splitDocuments(text, source, problem).map(({ json, name }) => {
    let root: TrustedRoot
    try {
      root = TrustedRoot.fromJSON(json)
    } catch (error) {
      throw problem(`${name} is not a Sigstore trusted root: ${errorMessage(error)}`)
    }
    if (root.certificateAuthorities.length === 0) {
      throw problem(
        `${name} names no certificate authority, so no signing certificate can chain to it. Use a trusted_root.json with certificateAuthorities.`,
      )
    }
    try {
      return trustRoot(root, name)
    } catch (error) {
      throw problem(`${name} cannot be used: ${errorMessage(error)}`)
    }
  })
}

/** One JSON document, or one per non-empty line (JSON Lines). */
function splitDocuments(
  text: string,
  input: string,
  problem: (message: string) => Error,
): { json: unknown; name: string }[] {
  try {
    return [{ json: JSON.parse(text), name: input }]
  } catch {
    // Not one document: JSON Lines, or broken.
  }
  const documents: { json: unknown; name: string }[] = []
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue
    const name = `${input} line ${index + 1}`
    try {
      documents.push({ json: JSON.parse(line), name })
    } catch (error) {
      throw problem(`${name} is not JSON: ${errorMessage(error)}`)
    }
  }
  if (documents.length === 0) throw problem(`${input} is empty.`)
  return documents
}

function trustRoot(root: TrustedRoot, name: string): TrustRoot {
  const material = toTrustMaterial(root)
  return {
    name,
    material,
    // A root with transparency logs needs an entry in one (its integrated time is the signing
    // time); a root without, like GitHub's own Sigstore instance, needs a signed timestamp instead.
    // Either way the certificate must be valid at a verified time.
    thresholds: {
      tlogThreshold: material.tlogs.length > 0 ? 1 : 0,
      ctlogThreshold: material.ctlogs.length > 0 ? 1 : 0,
      timestampThreshold: 1,
    },
    authorityWindows: material.certificateAuthorities.map((ca) => ca.validFor),
  }
}

/** "outer: inner: innermost", for library errors that wrap the one that says what happened. */
function causeChain(error: unknown): string {
  const messages: string[] = []
  for (let current = error; current !== undefined && current !== null && messages.length < 4;) {
    const message = errorMessage(current)
    if (!messages.includes(message)) messages.push(message)
    current = (current as { cause?: unknown }).cause
  }
  return messages.join(': ')
}
