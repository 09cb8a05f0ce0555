// The messages for failed exchanges, from errors shaped like the ones gaxios throws (the
// stand-in driven cases are in source.test.ts).
import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  type ExchangeContext,
  GoogleCloudAuthError,
  explainFailure,
  explainIdTokenFailure,
  googleErrorText,
  memberHint,
} from '../../src/gcp/explain.js'
import { IdTokenError } from '../../src/oidc.js'
import { maskSecret } from '../../src/secrets.js'

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github'
const ACCOUNT = 'deployer@demo.iam.gserviceaccount.com'
const CONTEXT: ExchangeContext = {
  provider: PROVIDER,
  serviceAccount: ACCOUNT,
  audience: 'https://iam.googleapis.com/' + PROVIDER,
  tokenUrl: 'https://sts.googleapis.com/v1/token',
  impersonationUrl: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${ACCOUNT}:generateAccessToken`,
}
const OIDC_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/t',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
}

/** What gaxios throws: the request's config, and the response when there was one. */
function gaxiosError(url: string, status?: number, data?: unknown, cause?: unknown): Error {
  return Object.assign(new Error('Request failed'), {
    config: { url: new URL(url) },
    ...(status !== undefined && { response: { status, data } }),
    ...(cause !== undefined && { cause }),
  })
}

describe('explainFailure', () => {
  test.each<[string, Error, RegExp[]]>([
    [
      'STS: a wrong audience',
      gaxiosError(CONTEXT.tokenUrl, 400, {
        error: 'invalid_grant',
        error_description: 'The audience in ID Token [x] does not match the expected audience.',
      }),
      [
        /^Google STS rejected the GitHub OIDC token for projects\/123456789012/,
        /HTTP 400, invalid_grant/,
        /allowed audiences/,
      ],
    ],
    [
      'STS: an unknown provider',
      gaxiosError(CONTEXT.tokenUrl, 400, { error: 'invalid_target', error_description: 'x' }),
      [/does not exist or is disabled/, /workload-identity-provider/],
    ],
    [
      'STS: an attribute condition',
      gaxiosError(CONTEXT.tokenUrl, 400, {
        error: 'unauthorized_client',
        error_description: 'The given credential is rejected by the attribute condition.',
      }),
      [/attribute condition does not admit this run/],
    ],
    [
      'STS: another OAuth error',
      gaxiosError(CONTEXT.tokenUrl, 400, { error: 'invalid_request' }),
      [/issuer \(https:\/\/token\.actions\.githubusercontent\.com\)/],
    ],
    [
      'STS: 503 after retries',
      gaxiosError(CONTEXT.tokenUrl, 503, { error: { status: 'UNAVAILABLE', message: 'down' } }),
      [/answered HTTP 503, even after retries/, /UNAVAILABLE: down/],
    ],
    [
      'STS: unreachable',
      gaxiosError(CONTEXT.tokenUrl, undefined, undefined, Object.assign(new Error('reset'), { code: 'ECONNRESET' })),
      [/could not reach https:\/\/sts\.googleapis\.com\/v1\/token \(ECONNRESET\), even after retries/],
    ],
    [
      'IAM: 403',
      gaxiosError(CONTEXT.impersonationUrl!, 403, { error: { status: 'PERMISSION_DENIED', message: 'denied' } }),
      [
        /^IAM Credentials refused to mint a token for deployer@demo/,
        /roles\/iam\.workloadIdentityUser/,
        /principalSet:\/\/iam\.googleapis\.com\/projects\/123456789012\/locations\/global\/workloadIdentityPools\/github-pool\/attribute\.repository\//,
        /up to 5 minutes/,
      ],
    ],
    [
      'IAM: 404',
      gaxiosError(CONTEXT.impersonationUrl!, 404, {}),
      [/does not know the service account/, /service-account/],
    ],
    ['IAM: 401', gaxiosError(CONTEXT.impersonationUrl!, 401, {}), [/did not accept the federated token/]],
    [
      'IAM: 500 after retries',
      gaxiosError(CONTEXT.impersonationUrl!, 500, {}),
      [/^Could not impersonate deployer@demo.*HTTP 500, even after retries/],
    ],
    [
      'another endpoint',
      gaxiosError('https://oauth2.googleapis.com/token', 400, { error: 'invalid_grant' }),
      [
        /^Google Cloud authentication failed: https:\/\/oauth2\.googleapis\.com\/token answered HTTP 400: invalid_grant/,
      ],
    ],
    ['no HTTP at all', new Error('boom'), [/^Google Cloud authentication failed: boom$/]],
  ])('%s', (_, error, messages) => {
    const explained = explainFailure(error, CONTEXT)
    expect(explained).toBeInstanceOf(GoogleCloudAuthError)
    for (const message of messages) expect(explained.message).toMatch(message)
  })

  test('explained and input errors pass through unchanged', () => {
    const input = new InputError('audience', 'x')
    const explained = new GoogleCloudAuthError('y')
    expect(explainFailure(input, CONTEXT)).toBe(input)
    expect(explainFailure(explained, CONTEXT)).toBe(explained)
  })

  test('a masked secret in an answer never reaches the message', () => {
    const secret = 'ya29.explain-secret-value-0123456789'
    maskSecret(secret)
    const error = gaxiosError(CONTEXT.tokenUrl, 400, { error: 'invalid_request', error_description: `bad ${secret}` })
    expect(explainFailure(error, CONTEXT).message).not.toContain(secret)
  })
})

describe('explainIdTokenFailure', () => {
  test.each<[string, unknown, Record<string, string>, RegExp]>([
    ['no OIDC environment', new IdTokenError('not set'), {}, /^Input 'workload-identity-provider': .*id-token: write/],
    [
      'a refused request token',
      new IdTokenError('the GitHub OIDC endpoint answered HTTP 403', 403),
      OIDC_ENV,
      /HTTP 403\. .*id-token: write/,
    ],
    [
      'a 503 after retries',
      new IdTokenError('the GitHub OIDC endpoint answered HTTP 503', 503),
      OIDC_ENV,
      /HTTP 503, even after retries/,
    ],
    [
      'an unreachable endpoint',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      OIDC_ENV,
      /could not reach the GitHub OIDC endpoint \(ECONNRESET\), even after retries/,
    ],
  ])('%s', (_, error, env, message) => {
    const explained = explainIdTokenFailure(error, 'https://aud.example', env)
    expect(explained.message).toMatch(message)
  })
})

describe('helpers', () => {
  test.each([
    [{ error: { status: 'PERMISSION_DENIED', message: 'denied' } }, 'PERMISSION_DENIED: denied'],
    [{ error: 'invalid_grant', error_description: 'bad' }, 'invalid_grant: bad'],
    [{ error: 'invalid_grant' }, 'invalid_grant'],
    ['short text', 'short text'],
    ['x'.repeat(400), undefined],
    [undefined, undefined],
  ])('googleErrorText(%j)', (data, expected) => {
    expect(googleErrorText(data)).toBe(expected)
  })

  test('memberHint names the repository, or OWNER/REPO', () => {
    expect(memberHint(PROVIDER, 'acme/backend')).toBe(
      'principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github-pool/attribute.repository/acme/backend',
    )
    expect(memberHint(PROVIDER, '')).toMatch(/attribute\.repository\/OWNER\/REPO$/)
  })
})
