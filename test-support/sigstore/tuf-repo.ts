// A TUF repository on loopback that publishes one target, `trusted_root.json`, the way Sigstore's
// TUF mirror does: root, timestamp, snapshot and targets metadata signed with one ed25519 key
// (@tufjs/models), served over HTTP. Its root.json is the initial trust a client starts from.
import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { Key, MetaFile, Metadata, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models'

export interface TufMirror {
  readonly url: string
  /** The repository's root.json on disk: the initial root a client is given. */
  readonly rootPath: string
  /** Paths requested, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

const SPEC_VERSION = '1.0.31'

export async function startTufMirror(trustedRoot: unknown, options: { expires?: Date } = {}): Promise<TufMirror> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex')
  const keyID = createHash('sha256').update(raw).digest('hex')
  const key = new Key({ keyID, keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: raw } })
  const expires = (options.expires ?? new Date(Date.now() + 86_400_000)).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const common = { version: 1, specVersion: SPEC_VERSION, expires }
  const signed = <T extends Root | Timestamp | Snapshot | Targets>(body: T): Buffer => {
    const metadata = new Metadata(body)
    metadata.sign((data) => new Signature({ keyID, sig: sign(null, data, privateKey).toString('hex') }))
    return Buffer.from(JSON.stringify(metadata.toJSON()))
  }

  const root = new Root({ ...common, consistentSnapshot: false })
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) root.addKey(key, role)

  const target = Buffer.from(JSON.stringify(trustedRoot))
  const targets = signed(
    new Targets({
      ...common,
      targets: {
        'trusted_root.json': new TargetFile({
          path: 'trusted_root.json',
          length: target.length,
          hashes: { sha256: createHash('sha256').update(target).digest('hex') },
        }),
      },
    }),
  )
  const snapshot = signed(new Snapshot({ ...common, meta: { 'targets.json': new MetaFile({ version: 1 }) } }))
  const files = new Map<string, Buffer>([
    ['/1.root.json', signed(root)],
    ['/timestamp.json', signed(new Timestamp({ ...common, snapshotMeta: new MetaFile({ version: 1 }) }))],
    ['/snapshot.json', snapshot],
    ['/targets.json', targets],
    ['/targets/trusted_root.json', target],
  ])

  const dir = await mkdtemp(path.join(tmpdir(), 'gda-tuf-'))
  const rootPath = path.join(dir, 'root.json')
  await writeFile(rootPath, files.get('/1.root.json')!)
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/'
    requests.push(url)
    const body = files.get(url)
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    rootPath,
    requests,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await rm(dir, { recursive: true, force: true })
    },
  }
}
