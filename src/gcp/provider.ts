// Validation of the Google Cloud names users paste into the workflow. Pure, and free of
// google-auth-library, so a misconfigured run fails before the heavy client is loaded.
import { InputError } from '../errors.js'

export const PROVIDER_INPUT = 'workload-identity-provider'
export const SERVICE_ACCOUNT_INPUT = 'service-account'

const SHAPE = 'projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER'
// Pool and provider IDs: 4-32 of lowercase letters, digits and "-" (Google's rule for both).
const ID = /^[a-z0-9-]{4,32}$/
const PROJECT_NUMBER = /^[0-9]+$/
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/
// What google-github-actions/auth and gcloud print as the audience: accepted and stripped.
const PREFIXES = ['//iam.googleapis.com/', 'https://iam.googleapis.com/']

/**
 * Checks a workload identity provider resource name and returns it without any
 * `//iam.googleapis.com/` prefix. Throws InputError saying what is wrong and how to fix it.
 */
export function parseWorkloadIdentityProvider(value: string): string {
  let name = value.trim()
  if (name === '') throw providerError(value, `is empty; expected ${SHAPE}.`)
  for (const prefix of PREFIXES) {
    if (name.startsWith(prefix)) name = name.slice(prefix.length)
  }

  const parts = name.split('/')
  // Before the shape checks: a workforce pool provider (`locations/global/workforcePools/…`)
  // has no `projects/` prefix, and would otherwise only be called "not a full resource name".
  if (parts.includes('workforcePools')) {
    throw providerError(
      value,
      `this is a workforce pool (for people); GitHub Actions needs a workload identity pool: ${SHAPE}.`,
    )
  }
  if (parts[0] !== 'projects' || parts.length < 2) {
    throw providerError(
      value,
      `"${value}" is not a full resource name; expected ${SHAPE}. ` +
        `Print it with: gcloud iam workload-identity-pools providers describe PROVIDER --workload-identity-pool=POOL --location=global --format='value(name)'`,
    )
  }

  const [, project, locationsKey, location, poolsKey, pool, providersKey, provider, ...rest] = parts
  if (!project || !PROJECT_NUMBER.test(project)) {
    const hint =
      project && PROJECT_ID.test(project)
        ? `"${project}" looks like a project ID; use the project NUMBER: gcloud projects describe ${project} --format='value(projectNumber)'`
        : `"${project ?? ''}" is not a project number; use the project NUMBER: gcloud projects describe PROJECT_ID --format='value(projectNumber)'`
    throw providerError(value, `${hint}.`)
  }
  if (locationsKey !== 'locations' || location === undefined) {
    throw providerError(value, `"${value}" has no location; expected ${SHAPE}.`)
  }
  if (location !== 'global') {
    throw providerError(
      value,
      `workload identity pools live in location "global", not "${location}"; expected ${SHAPE}.`,
    )
  }
  if (poolsKey !== 'workloadIdentityPools' || !pool) {
    throw providerError(value, `"${value}" names no workload identity pool; expected ${SHAPE}.`)
  }
  if (!ID.test(pool)) {
    throw providerError(value, `pool ID "${pool}" must be 4-32 lowercase letters, digits or "-".`)
  }
  if ((providersKey === undefined || providersKey === '') && provider === undefined) {
    throw providerError(
      value,
      'this is a pool; append /providers/PROVIDER_ID (gcloud iam workload-identity-pools providers list --workload-identity-pool=' +
        pool +
        ' --location=global).',
    )
  }
  if (providersKey !== 'providers' || !provider) {
    throw providerError(value, `"${value}" names no provider after the pool; expected ${SHAPE}.`)
  }
  if (!ID.test(provider)) {
    throw providerError(value, `provider ID "${provider}" must be 4-32 lowercase letters, digits or "-".`)
  }
  if (rest.length > 0) {
    throw providerError(value, `unexpected "/${rest.join('/')}" after the provider; expected ${SHAPE}.`)
  }
  return `projects/${project}/locations/global/workloadIdentityPools/${pool}/providers/${provider}`
}

/** The GitHub OIDC token audience Google expects when the provider lists no allowed audiences. */
export function defaultAudience(provider: string): string {
  return `https://iam.googleapis.com/${provider}`
}

/** The `audience` of the STS token exchange: the provider as a full resource name. */
export function stsAudience(provider: string): string {
  return `//iam.googleapis.com/${provider}`
}

/** Splits a validated provider name into the parts used in IAM member strings. */
export function providerParts(provider: string): { projectNumber: string; pool: string; provider: string } {
  const parts = provider.split('/')
  return { projectNumber: parts[1] ?? '', pool: parts[5] ?? '', provider: parts[7] ?? '' }
}

/**
 * Checks the service account to impersonate: an email (`NAME@PROJECT.iam.gserviceaccount.com`)
 * or the account's numeric unique ID, both of which IAM Credentials accepts. Returns it trimmed.
 */
export function validateServiceAccountEmail(value: string): string {
  const account = value.trim()
  if (account === '')
    throw new InputError(SERVICE_ACCOUNT_INPUT, 'is empty; expected NAME@PROJECT_ID.iam.gserviceaccount.com.')
  if (/^[0-9]{10,30}$/.test(account)) return account
  if (account.startsWith('serviceAccount:')) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is an IAM member string; drop the "serviceAccount:" prefix.`,
    )
  }
  if (account.startsWith('projects/')) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is a resource name; give only the email, e.g. NAME@PROJECT_ID.iam.gserviceaccount.com.`,
    )
  }
  if (!account.includes('@')) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is not an email; expected ${account}@PROJECT_ID.iam.gserviceaccount.com.`,
    )
  }
  // The email ends up in a URL path: no characters that would change the path.
  if (!/^[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(account)) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `"${account}" is not a valid service account email; expected NAME@PROJECT_ID.iam.gserviceaccount.com.`,
    )
  }
  return account
}

function providerError(value: string, message: string): InputError {
  // Keep the offending value visible even when the message does not quote it.
  return new InputError(
    PROVIDER_INPUT,
    message.includes(value.trim()) || value.trim() === '' ? message : `${message} (got "${value.trim()}")`,
  )
}
