// Rewrite time for a 1,000-document manifest: mixed Deployments, Services and ConfigMaps, about a third
// of the documents holding the image being pinned. Reports the median of several runs.

import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { pinManifest } from '../src/manifests/pin.js'

const DOCUMENTS = 1000
const RUNS = 7
const REPOSITORY = 'europe-docker.pkg.dev/acme/apps/backend'
const PINNED = `${REPOSITORY}:v2@sha256:${'c'.repeat(64)}`

function deployment(index: number): string {
  return `# service ${index}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: backend-${index}
  labels: {app: backend-${index}, team: platform}
spec:
  replicas: 2
  selector:
    matchLabels: {app: backend-${index}}
  template:
    metadata:
      labels: {app: backend-${index}}
    spec:
      initContainers:
      - name: migrate
        image: "${REPOSITORY}:v1"
        args: ["migrate", "--to=latest"]
      containers:
      - name: api
        image: ${REPOSITORY}:v1 # bumped by CI
        ports:
        - containerPort: 8080
        env:
        - {name: LOG_LEVEL, value: info}
        resources:
          limits: {cpu: 500m, memory: 256Mi}
      - name: proxy
        image: 'envoyproxy/envoy:v1.30.1'
`
}

function service(index: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: backend-${index}
spec:
  selector: {app: backend-${index}}
  ports:
  - port: 80
    targetPort: 8080
`
}

function configMap(index: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: backend-${index}
data:
  config.yaml: |
    image: ${REPOSITORY}:v1
    retries: 3
  feature: "on"
`
}

export function buildManifest(documents = DOCUMENTS): string {
  const parts: string[] = []
  for (let index = 0; index < documents; index += 1) {
    parts.push([deployment, service, configMap][index % 3](index))
  }
  return parts.join('---\n')
}

export async function benchRewrite(): Promise<{ documents: number; bytes: number; milliseconds: number }> {
  const content = buildManifest()
  const selector = { repository: REPOSITORY }
  const run = (): number => {
    const start = performance.now()
    const result = pinManifest(content, 'bench/manifest.yaml', selector, PINNED)
    const elapsed = performance.now() - start
    // Two sites per Deployment; a wrong count would mean timing the wrong work.
    if (result.changes.length !== 2 * Math.ceil(DOCUMENTS / 3))
      throw new Error(`expected ${2 * Math.ceil(DOCUMENTS / 3)} changes, got ${result.changes.length}`)
    return elapsed
  }
  run() // warm-up: JIT and the yaml module's lazy setup
  const times: number[] = []
  for (let index = 0; index < RUNS; index += 1) {
    times.push(run())
    await new Promise((resolve) => setImmediate(resolve))
  }
  times.sort((a, b) => a - b)
  return {
    documents: DOCUMENTS,
    bytes: Buffer.byteLength(content, 'utf8'),
    milliseconds: Math.round(times[RUNS >> 1] * 10) / 10,
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchRewrite()))
}
