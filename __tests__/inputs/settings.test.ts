// readSettings through the real @actions/core, driven by INPUT_* variables as the runner sets them
// (the way actions/checkout tests its input helper): each input's parsing, defaults and errors.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals'
import * as path from 'node:path'
import { InputError } from '../../src/errors.js'
import { readSettings } from '../../src/settings.js'
import { readVerifyModeSettings } from '../../src/verify/mode-settings.js'
import { list } from '../../src/util/inputs.js'
import { githubContext } from '../../test-support/github-context.js'

const WORKSPACE = path.resolve('/work/space')
const PROVIDER = 'projects/123456/locations/global/workloadIdentityPools/github/providers/acme'
const RUN_ENV = {
  GITHUB_API_URL: 'https://ghe.example/api/v3/',
  GITHUB_GRAPHQL_URL: 'https://ghe.example/api/graphql',
  GITHUB_SERVER_URL: 'https://ghe.example/',
  GITHUB_REPOSITORY: 'acme/backend',
  GITHUB_SHA: 'abc123',
  GITHUB_RUN_ID: '42',
  GITHUB_WORKSPACE: WORKSPACE,
  // The runner sets these when the job has `permissions: id-token: write`.
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/id?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
}
/** Every input a minimal valid run sets. */
const MINIMAL = {
  token: 'ghs_secret',
  image: 'europe-docker.pkg.dev/acme/apps/backend:1.2.3',
  manifests: 'apps/backend/deployment.yaml',
}

const saved = { ...process.env }
beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name]
})
afterEach(() => {
  process.env = { ...saved }
})

/** Sets the inputs as the runner does (INPUT_ + upper case name, spaces as `_`) and reads them. */
function settingsWith(inputs: Record<string, string>, env: Record<string, string> = RUN_ENV) {
  for (const [name, value] of Object.entries({ ...MINIMAL, ...inputs })) {
    process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return readSettings({ ...env }, () => Promise.resolve(githubContext(env)))
}

async function errorOf(inputs: Record<string, string>): Promise<InputError> {
  try {
    await settingsWith(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  throw new Error('readSettings accepted the inputs')
}

describe('defaults of a minimal run', () => {
  test('every optional input has its documented default', async () => {
    const settings = await settingsWith({})
    const image = expect.objectContaining({
      registry: 'europe-docker.pkg.dev',
      path: 'acme/apps/backend',
      tag: '1.2.3',
    })
    expect(settings).toEqual({
      image,
      images: [image],
      fields: [],
      pushTimeoutMs: 300_000,
      source: { kind: 'docker' },
      manifests: ['apps/backend/deployment.yaml'],
      mode: 'pr',
      gitops: { owner: 'acme', repo: 'backend' },
      branch: 'deploy/backend',
      token: 'ghs_secret',
      sourceToken: '',
      dryRun: false,
      allowRollback: false,
      templates: { commitMessage: 'Deploy {name} {version}', title: 'Deploy {name} {version}', body: '' },
      labels: [],
      gcp: {
        stsEndpoint: 'https://sts.googleapis.com',
        iamCredentialsEndpoint: 'https://iamcredentials.googleapis.com',
      },
      run: {
        apiUrl: 'https://ghe.example/api/v3',
        serverUrl: 'https://ghe.example',
        repository: 'acme/backend',
        sha: 'abc123',
        runId: '42',
        workspace: WORKSPACE,
        graphqlUrl: 'https://ghe.example/api/graphql',
        eventName: '',
        payload: {},
      },
    })
  })

  test('without the GITHUB_* variables, github.com and the working directory', async () => {
    expect((await settingsWith({ 'gitops-repository': 'acme/gitops' }, {})).run).toEqual({
      apiUrl: 'https://api.github.com',
      serverUrl: 'https://github.com',
      repository: '',
      sha: '',
      runId: '',
      workspace: process.cwd(),
      graphqlUrl: 'https://api.github.com/graphql',
      eventName: '',
      payload: {},
    })
  })
})

describe('each input parsed', () => {
  test.each([
    ['mode push', { mode: 'push' }, { mode: 'push' }],
    ['mode with blanks', { mode: ' pr ' }, { mode: 'pr' }],
    ['container', { container: 'app-1' }, { container: 'app-1' }],
    [
      'gitops-repository',
      { 'gitops-repository': 'acme/gitops.prod' },
      { gitops: { owner: 'acme', repo: 'gitops.prod' } },
    ],
    ['base without refs/heads/', { base: 'refs/heads/release/1' }, { base: 'release/1' }],
    ['branch', { branch: 'deploy/x' }, { branch: 'deploy/x' }],
    ['dry-run true', { 'dry-run': 'TRUE' }, { dryRun: true }],
    ['dry-run false', { 'dry-run': 'false' }, { dryRun: false }],
    ['source registry', { source: 'registry' }, { source: { kind: 'registry' } }],
    [
      'source as a layout path',
      { source: 'build/oci.tar' },
      { source: { kind: 'layout', path: path.join(WORKSPACE, 'build/oci.tar'), input: 'build/oci.tar' } },
    ],
    [
      'manifests as a list',
      { manifests: 'apps/a.yaml,\n apps/b/ \n\n' },
      { manifests: expect.arrayContaining(['apps/a.yaml']) },
    ],
    ['labels', { labels: 'deploy, {name}\nteam' }, { labels: ['deploy', '{name}', 'team'] }],
    [
      'message templates',
      { 'commit-message': 'chore: {image}', title: 'Roll out {version}', body: 'From {digest}' },
      { templates: { commitMessage: 'chore: {image}', title: 'Roll out {version}', body: 'From {digest}' } },
    ],
    [
      'provider, service account and audience',
      {
        'workload-identity-provider': ` ${PROVIDER} `,
        'service-account': 'deploy@acme.iam.gserviceaccount.com',
        audience: 'aud',
      },
      {
        gcp: expect.objectContaining({
          workloadIdentityProvider: PROVIDER,
          serviceAccount: 'deploy@acme.iam.gserviceaccount.com',
          audience: 'aud',
        }),
      },
    ],
    [
      'endpoints, trailing slash dropped; http only on loopback',
      { 'sts-endpoint': 'https://sts.example/', 'iam-credentials-endpoint': 'http://127.0.0.1:8080' },
      { gcp: { stsEndpoint: 'https://sts.example', iamCredentialsEndpoint: 'http://127.0.0.1:8080' } },
    ],
  ])('%s', async (_, inputs, expected) => {
    expect(await settingsWith(inputs)).toMatchObject(expected)
  })

  test('the token is masked the moment it is read', async () => {
    const writes: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk))
      return true
    })
    try {
      await settingsWith({ token: 'ghs_masked_1' })
    } finally {
      spy.mockRestore()
    }
    expect(writes.join('')).toContain('::add-mask::ghs_masked_1')
  })

  test('list splits on commas and newlines and drops blanks', () => {
    expect(list(' a, b\n\n c ,')).toEqual(['a', 'b', 'c'])
    expect(list('')).toEqual([])
  })
})

describe('each error names its input and the fix', () => {
  test.each([
    ['an empty token', { token: '' }, 'token', /is empty/],
    ['an empty image', { image: ' ' }, 'image', /required/],
    ['an image that is no reference', { image: 'Acme/UPPER' }, 'image', /./],
    ['no manifests', { manifests: ' , ' }, 'manifests', /at least one path/],
    ['a manifest outside the repository', { manifests: '../secrets.yaml' }, 'manifests', /outside/],
    ['an unknown mode', { mode: 'merge' }, 'mode', /"merge" is not one of "pr", "push"/],
    ['a container name with capitals', { container: 'App' }, 'container', /Kubernetes container name/],
    ['a repository without owner', { 'gitops-repository': 'gitops' }, 'gitops-repository', /owner\/name/],
    ['a branch name git refuses', { branch: 'deploy..x' }, 'branch', /not a valid branch name/],
    ['a base ending in .lock', { base: 'main.lock' }, 'base', /not a valid branch name/],
    ['dry-run that is not a boolean', { 'dry-run': 'yes' }, 'dry-run', /"yes" is not a boolean/],
    ['an absolute source path', { source: '/tmp/oci' }, 'source', /relative to GITHUB_WORKSPACE/],
    ['a source outside the workspace', { source: '../oci' }, 'source', /outside GITHUB_WORKSPACE/],
    ['an unknown placeholder in the title', { title: 'Deploy {nmae}' }, 'title', /unknown placeholder \{nmae\}/],
    ['an unknown placeholder in a label', { labels: 'ok, {team}' }, 'labels', /unknown placeholder \{team\}/],
    [
      'a provider without pool',
      { 'workload-identity-provider': 'projects/1/locations/global' },
      'workload-identity-provider',
      /./,
    ],
    [
      'a service account without provider',
      { 'service-account': 'deploy@acme.iam.gserviceaccount.com' },
      'service-account',
      /needs workload-identity-provider/,
    ],
    ['an endpoint that is no URL', { 'sts-endpoint': 'sts' }, 'sts-endpoint', /not a URL/],
    [
      'plain http to another host',
      { 'iam-credentials-endpoint': 'http://iam.example' },
      'iam-credentials-endpoint',
      /https URL/,
    ],
  ])('%s', async (_, inputs, input, message) => {
    const error = await errorOf(inputs)
    expect(error.input).toBe(input)
    expect(error.message).toMatch(new RegExp(`^Input '${input}': `))
    expect(error.message).toMatch(message)
  })

  test('the token never appears in an error message', async () => {
    expect((await errorOf({ token: 'ghs_never_shown', image: '' })).message).not.toContain('ghs_never_shown')
  })
})

describe('merge and merge-timeout', () => {
  // Each call starts from no inputs, as a fresh step does.
  const clean = () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name]
  }
  const fresh = (inputs: Record<string, string>) => (clean(), settingsWith(inputs))
  const freshError = (inputs: Record<string, string>) => (clean(), errorOf(inputs))
  const ARGO = { 'argocd-server': 'https://argocd.example', 'argocd-application': 'backend', 'argocd-token': 't' }

  test('empty by default: a person merges; the default merge-timeout is accepted', async () => {
    expect((await fresh({ 'merge-timeout': '30m' })).merge).toBeUndefined()
  })

  test('a method with its timeout, in pr mode', async () => {
    expect((await fresh({ merge: 'squash', 'merge-timeout': '20m' })).merge).toEqual({
      method: 'squash',
      timeoutMs: 20 * 60_000,
    })
    expect((await fresh({ merge: 'rebase' })).merge).toEqual({ method: 'rebase', timeoutMs: 30 * 60_000 })
  })

  test('an unknown method, push mode, a bad or stray timeout are input errors', async () => {
    expect((await freshError({ merge: 'fast-forward' })).message).toBe(
      `Input 'merge': "fast-forward" is not one of "merge", "squash", "rebase" (or empty: a person merges).`,
    )
    expect((await freshError({ merge: 'squash', mode: 'push' })).message).toMatch(
      /^Input 'merge': only applies to `mode: pr`/,
    )
    expect((await freshError({ merge: 'squash', 'merge-timeout': 'soon' })).message).toMatch(
      /^Input 'merge-timeout': "soon" is not a duration/,
    )
    expect((await freshError({ 'merge-timeout': '10m' })).message).toMatch(
      /^Input 'merge-timeout': only applies with `merge`/,
    )
  })

  test('mode: verify takes merge only for a revert', async () => {
    clean()
    const verifyWith = (inputs: Record<string, string>) => {
      Object.assign(process.env, {
        INPUT_MODE: 'verify',
        INPUT_TOKEN: 'ghs_secret',
        'INPUT_VERIFY-COMMIT-STATUS': 'continuous-delivery/backend',
        ...inputs,
      })
      return readVerifyModeSettings({ ...RUN_ENV }, () => Promise.resolve(githubContext(RUN_ENV)))
    }
    await expect(verifyWith({ INPUT_MERGE: 'squash' })).rejects.toThrow(
      /^Input 'merge': in `mode: verify` says how a revert is merged .*needs `on-failure: revert`/,
    )
    expect(await verifyWith({ INPUT_MERGE: 'squash', 'INPUT_ON-FAILURE': 'revert' })).toMatchObject({
      merge: { method: 'squash', timeoutMs: 30 * 60_000 },
    })
  })

  test('verification in pr mode needs merge, and the error says so', async () => {
    expect((await freshError(ARGO)).message).toMatch(
      /^Input 'argocd-server': verification in `mode: pr` needs `merge`.*`mode: verify`/,
    )
    const settings = await fresh({ ...ARGO, merge: 'squash', 'on-failure': 'revert' })
    expect(settings.verify?.onFailure).toBe('revert')
    expect(settings.merge?.method).toBe('squash')
  })
})
