// Which trusted roots a bundle is verified against, each loaded once per run and only when a
// bundle needs it.
import { rootsFromGitHubCli } from './github-root.js'
import type { AttestationSettings } from './settings.js'
import { type TrustRoot, type TufSource, loadTrustRoots } from './trust.js'

/**
 * The roots a bundle is verified against, each loaded once: the pinned file when there is one;
 * otherwise Sigstore's public-good root (TUF) for bundles with a transparency-log entry, and
 * GitHub's own instance's root (from the GitHub CLI) for bundles without, as GitHub signs them
 * for private repositories.
 */
export function trustRootsFor(
  gate: AttestationSettings,
  serverUrl: string,
  tuf: TufSource,
): (bundle: unknown) => Promise<TrustRoot[]> {
  let pinned: Promise<TrustRoot[]> | undefined
  let publicGood: Promise<TrustRoot[]> | undefined
  let github: Promise<TrustRoot[]> | undefined
  return (bundle) => {
    if (gate.trustedRoot !== undefined) return (pinned ??= loadTrustRoots(gate, tuf))
    if (hasTransparencyLogEntry(bundle)) return (publicGood ??= loadTrustRoots({}, tuf))
    return (github ??= rootsFromGitHubCli(serverUrl, gate.token))
  }
}

/** Routing only: the bundle is verified in full against whichever roots it is sent to. */
function hasTransparencyLogEntry(bundle: unknown): boolean {
  const entries = (bundle as { verificationMaterial?: { tlogEntries?: unknown } } | null)?.verificationMaterial
    ?.tlogEntries
  return Array.isArray(entries) && entries.length > 0
}
