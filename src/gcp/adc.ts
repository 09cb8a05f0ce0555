// Application Default Credentials: the file GOOGLE_APPLICATION_CREDENTIALS names (typically the
// external_account file google-github-actions/auth writes), read by google-auth-library itself.
// The action only reads it first to name the principal in logs and to fail clearly when the
// file is missing or not JSON.
import { readFile } from 'node:fs/promises'
import { GoogleAuth, type gaxios } from 'google-auth-library'
import { errorMessage } from '../errors.js'
import { type ExchangeContext, GoogleCloudAuthError } from './explain.js'
import { serviceAccountOf } from './impersonate.js'
import { PROVIDER_INPUT } from './provider.js'
import type { CredentialPlan } from './source.js'
import { clientOptions } from './transport.js'

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'

export async function applicationDefaultPlan(file: string, transporter: gaxios.Gaxios): Promise<CredentialPlan> {
  const json = await readCredentialsFile(file)
  const impersonationUrl = stringField(json, 'service_account_impersonation_url')
  const serviceAccount = serviceAccountOf(impersonationUrl)
  const provider = stringField(json, 'audience')?.replace(/^\/\/iam\.googleapis\.com\//, '')
  const context: ExchangeContext = {
    tokenUrl: stringField(json, 'token_url') ?? 'https://sts.googleapis.com/v1/token',
    what: `Application Default Credentials (${file})`,
    ...(provider !== undefined && { provider }),
    ...(serviceAccount !== undefined && { serviceAccount }),
    ...(impersonationUrl !== undefined && { impersonationUrl }),
  }
  return {
    kind: 'application-default',
    principal:
      serviceAccount ?? stringField(json, 'client_email') ?? provider ?? stringField(json, 'type') ?? 'unknown',
    context,
    // Plain ADC (the library reads GOOGLE_APPLICATION_CREDENTIALS itself): the `credentials`
    // and `keyFilename` options print deprecation warnings into the job log. A project ID is
    // given because GoogleAuth otherwise looks one up before handing out any client (Cloud
    // Resource Manager, `gcloud`, the metadata server); nothing here uses it.
    newClient: () =>
      new GoogleAuth({
        projectId: stringField(json, 'project_id') ?? 'unused',
        scopes: [CLOUD_PLATFORM],
        clientOptions: clientOptions(transporter),
      }).getClient(),
  }
}

async function readCredentialsFile(file: string): Promise<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object')
    return parsed as Record<string, unknown>
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be used: ${errorMessage(error)}`
    throw new GoogleCloudAuthError(
      `GOOGLE_APPLICATION_CREDENTIALS points at ${file}, which ${reason}. ` +
        `Run the step that writes it (e.g. google-github-actions/auth) first, or set ${PROVIDER_INPUT} instead.`,
    )
  }
}

function stringField(json: Record<string, unknown>, name: string): string | undefined {
  const value = json[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}
