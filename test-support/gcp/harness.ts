// Shared set-up of the credential tests (__tests__/gcp/{source,federated,adc}.test.ts): the
// Google Cloud stand-ins, a job environment with an OIDC token, stdout captured (the
// `::add-mask::` lines of @actions/core's real setSecret), and credential options whose retries
// wait on a clock that does not sleep.
import { afterAll, afterEach, beforeAll, beforeEach, jest } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import type { GcpCredentialOptions } from '../../src/gcp/types.js'
import { fastForwardClock } from '../clock.js'
import { type GoogleCloudFakes, startGoogleCloudFakes } from './index.js'

const ENV_KEYS = [
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GITHUB_REPOSITORY',
  'GITHUB_REF',
]

export interface CredentialHarness {
  readonly fakes: GoogleCloudFakes
  /** A scratch folder, removed after the file's tests. */
  readonly tmp: string
  /** Options for the stand-ins; `undefined` in `extra` drops a field, as an empty input does. */
  options(extra?: Partial<Record<keyof GcpCredentialOptions, unknown>>): GcpCredentialOptions
  /** Values passed to `::add-mask::`. */
  masked(): string[]
  /** Everything printed except the mask commands. */
  printed(): string
  statuses(service: 'oidc' | 'sts' | 'iam'): (number | 'reset')[]
}

/** What `::add-mask::` carries for a secret: a JWT's signature, anything else whole. */
export function maskOf(secret: string): string {
  const parts = secret.split('.')
  return parts.length === 3 && secret.startsWith('eyJ') ? parts[2]! : secret
}

/** Registers the hooks; call at the top of a test file. */
export function useCredentialHarness(): CredentialHarness {
  let fakes: GoogleCloudFakes | undefined
  let tmp: string | undefined
  let stdout: string[] = []
  const savedEnv: Record<string, string | undefined> = {}

  beforeAll(async () => {
    fakes = await startGoogleCloudFakes()
    tmp = await mkdtemp(path.join(tmpdir(), 'gcp-credentials-'))
    for (const key of ENV_KEYS) savedEnv[key] = process.env[key]
  })
  afterAll(async () => {
    await fakes?.close()
    if (tmp !== undefined) await rm(tmp, { recursive: true, force: true })
    for (const key of ENV_KEYS) {
      if (savedEnv[key] === undefined) delete process.env[key]
      else process.env[key] = savedEnv[key]
    }
  })
  beforeEach(() => {
    fakes!.reset()
    for (const key of ENV_KEYS) delete process.env[key]
    Object.assign(process.env, fakes!.env())
    stdout = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })

  const lines = (): string[] => stdout.flatMap((line) => line.split(/\r?\n/))
  return {
    get fakes() {
      return fakes!
    },
    get tmp() {
      return tmp!
    },
    options: (extra = {}) => {
      const merged: Record<string, unknown> = {
        workloadIdentityProvider: fakes!.provider,
        stsEndpoint: fakes!.stsEndpoint,
        iamCredentialsEndpoint: fakes!.iamCredentialsEndpoint,
        // Retries wait on a clock that skips the waits: no test sleeps.
        clock: fastForwardClock(),
        ...extra,
      }
      return Object.fromEntries(
        Object.entries(merged).filter(([, value]) => value !== undefined),
      ) as unknown as GcpCredentialOptions
    },
    masked: () =>
      lines()
        .filter((line) => line.startsWith('::add-mask::'))
        .map((line) => line.slice('::add-mask::'.length)),
    printed: () =>
      lines()
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    statuses: (service) => fakes!.received.filter((r) => r.service === service).map((r) => r.status),
  }
}
