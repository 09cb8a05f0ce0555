// Where a Google Cloud access token may go. It carries the cloud-platform scope: any server that
// receives it can call Google APIs as the workflow's identity. So it is sent only to Google's
// own registries (Artifact Registry, Container Registry) and to loopback stand-ins in tests.
import { isLoopbackHost } from '../image/reference.js'

const GOOGLE_REGISTRY = /^(?:[a-z0-9-]+-docker\.pkg\.dev|(?:[a-z0-9-]+\.)?gcr\.io)$/

function hostname(host: string): string {
  return (host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '')).toLowerCase()
}

/** True for Artifact Registry (`REGION-docker.pkg.dev`), Container Registry (`gcr.io`, `eu.gcr.io`) and loopback hosts. */
export function acceptsGoogleCredentials(host: string): boolean {
  return GOOGLE_REGISTRY.test(hostname(host)) || isLoopbackHost(host)
}

/** A token realm may receive the credentials when it is the registry's own host or another Google registry. */
export function mayReceiveCredentials(realmHost: string, registryHost: string): boolean {
  return hostname(realmHost) === hostname(registryHost) || acceptsGoogleCredentials(realmHost)
}
