// Application Default Credentials: the file GOOGLE_APPLICATION_CREDENTIALS names. The usual one,
// the external_account file google-github-actions/auth writes (an OIDC token from a URL or a
// file, exchanged at STS), goes through the same exchange as the inputs (federated.ts), so its
// requests honour the proxy and the retry policy too; any other kind (a service account key, …)
// is handed to google-auth-library's GoogleAuth as it is.
import { readFile } from 'node:fs/promises'
import { GoogleAuth, type gaxios } from 'google-auth-library'
import { errorMessage } from '../errors.js'
import { maskSecret } from '../secrets.js'
import { type ExchangeContext, GoogleCloudAuthError } from './explain.js'
import { federatedClient } from './federated.js'
import { serviceAccountOf } from './impersonate.js'
import { PROVIDER_INPUT } from './provider.js'
import type { CredentialPlan } from './types.js'
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
  const principal =
    serviceAccount ?? stringField(json, 'client_email') ?? provider ?? stringField(json, 'type') ?? 'unknown'
  const subjectToken = oidcSubjectToken(json, transporter)
  const audience = stringField(json, 'audience')
  if (subjectToken !== undefined && audience !== undefined) {
    return {
      kind: 'application-default',
      principal,
      context,
      newClient: federatedClient(transporter, {
        tokenUrl: context.tokenUrl,
        audience,
        subjectToken,
        ...(impersonationUrl !== undefined && { impersonationUrl }),
      }),
    }
  }
  return {
    kind: 'application-default',
    principal,
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

const OIDC_TOKEN_TYPES = new Set(['urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:id_token'])

/**
 * For an external_account file whose subject is an OIDC token from a URL or a file: how to read
 * it (the credential_source rules of google-auth-library's IdentityPoolClient). Else undefined.
 */
function oidcSubjectToken(
  json: Record<string, unknown>,
  transporter: gaxios.Gaxios,
): (() => Promise<string>) | undefined {
  const source = json.credential_source
  if (json.type !== 'external_account' || !OIDC_TOKEN_TYPES.has(String(json.subject_token_type))) return undefined
  if (!source || typeof source !== 'object') return undefined
  const { url, file, headers, format } = source as Record<string, unknown>
  const { type, subject_token_field_name: field } = (format ?? {}) as Record<string, unknown>
  const pick = (text: string): string => {
    const value = type === 'json' ? (JSON.parse(text) as Record<string, unknown>)[String(field)] : text.trim()
    if (typeof value !== 'string' || value === '') {
      throw new Error(`credential_source gave no subject token${type === 'json' ? ` in field "${String(field)}"` : ''}`)
    }
    maskSecret(value)
    return value
  }
  if (typeof url === 'string') {
    return async () => {
      const response = await transporter.request<string>({
        url,
        ...(headers !== null && typeof headers === 'object' && { headers: headers as Record<string, string> }),
        responseType: 'text',
      })
      return pick(response.data)
    }
  }
  if (typeof file === 'string') return async () => pick(await readFile(file, 'utf8'))
  return undefined
}

function stringField(json: Record<string, unknown>, name: string): string | undefined {
  const value = json[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}
