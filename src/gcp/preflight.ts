// What can be known about Google Cloud authentication from the inputs and the environment
// alone, checked by readSettings before any network call: a run that cannot authenticate, or
// would send its image where Google credentials never go, fails at once with the fix.
// Pure, and free of google-auth-library.
import { InputError } from '../errors.js'
import type { ImageReference } from '../image/reference.js'
import { canRequestIdToken, missingIdTokenError } from '../oidc.js'
import { PROVIDER_INPUT, SERVICE_ACCOUNT_INPUT } from './provider.js'

type Env = Readonly<Record<string, string | undefined>>

export interface GoogleCloudInputs {
  readonly workloadIdentityProvider?: string
  readonly serviceAccount?: string
  readonly audience?: string
}

/** All the checks below, in the order a reader fixes them. */
export function checkGoogleCloud(gcp: GoogleCloudInputs, image: ImageReference, env: Env = process.env): void {
  checkCredentialInputs(gcp)
  if (gcp.workloadIdentityProvider !== undefined && !canRequestIdToken(env)) throw missingIdTokenError(PROVIDER_INPUT)
  if (usesGoogleCredentials(gcp, env)) checkRegistryHost(image)
}

/** service-account and audience only mean something with a provider. */
export function checkCredentialInputs(gcp: GoogleCloudInputs): void {
  if (gcp.workloadIdentityProvider !== undefined) return
  if (gcp.serviceAccount !== undefined) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `needs ${PROVIDER_INPUT}: the federated identity that impersonates the service account. ` +
        `Set it too, or drop ${SERVICE_ACCOUNT_INPUT} when GOOGLE_APPLICATION_CREDENTIALS already names the account.`,
    )
  }
  if (gcp.audience !== undefined) {
    throw new InputError('audience', `applies only with ${PROVIDER_INPUT}; set that input or drop audience.`)
  }
}

/** Workload Identity Federation, or Application Default Credentials from the environment. */
export function usesGoogleCredentials(gcp: GoogleCloudInputs, env: Env = process.env): boolean {
  return gcp.workloadIdentityProvider !== undefined || Boolean(env.GOOGLE_APPLICATION_CREDENTIALS?.trim())
}

/** Whether the reference names its registry (`nginx` and `acme/app` do not: they mean Docker Hub). */
export function namesRegistryHost(image: ImageReference): boolean {
  // Without a host, the normalized path is the repository as written (`library/` added for one component).
  return image.path !== image.repository && image.path !== `library/${image.repository}`
}

/**
 * A host-less image means Docker Hub, where Google credentials are never sent: with them
 * configured, the user meant Artifact Registry and left out its host.
 */
export function checkRegistryHost(image: ImageReference): void {
  if (namesRegistryHost(image)) return
  const name = image.path.split('/').at(-1) ?? 'NAME'
  const example = `europe-docker.pkg.dev/PROJECT/REPOSITORY/${name}${image.tag !== undefined ? `:${image.tag}` : ''}`
  throw new InputError(
    'image',
    `"${image.repository}" names no registry host, so it means Docker Hub, where Google Cloud credentials are never sent. ` +
      `Write the Artifact Registry host in front: LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/NAME, e.g. ${example}. ` +
      `For a public Docker Hub image, drop ${PROVIDER_INPUT} (and GOOGLE_APPLICATION_CREDENTIALS).`,
  )
}
