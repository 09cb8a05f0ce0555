// Kubernetes manifests as the end-to-end tests seed them and expect them back: one builder instead
// of a hand-written YAML array in every file. Plain block style, one key per line, final newline.

export interface DeploymentSpec {
  /** metadata.name (default: the first container's name). */
  readonly name?: string
  readonly kind?: string
  /** Container name → image, in order. */
  readonly containers: Readonly<Record<string, string>>
  readonly initContainers?: Readonly<Record<string, string>>
  /** Lines added to each container after its image, indented to the container's keys (e.g. `ports:`). */
  readonly containerLines?: readonly string[]
}

function containerList(key: string, containers: Readonly<Record<string, string>>, extra: readonly string[]): string[] {
  return [
    `      ${key}:`,
    ...Object.entries(containers).flatMap(([name, image]) => [
      `        - name: ${name}`,
      `          image: ${image}`,
      ...extra.map((line) => `          ${line}`),
    ]),
  ]
}

/** A Deployment (or another pod-template workload, `kind`) with these containers. */
export function deployment(spec: DeploymentSpec): string {
  const name = spec.name ?? Object.keys(spec.containers)[0] ?? 'app'
  return [
    'apiVersion: apps/v1',
    `kind: ${spec.kind ?? 'Deployment'}`,
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  template:',
    '    spec:',
    ...(spec.initContainers ? containerList('initContainers', spec.initContainers, []) : []),
    ...containerList('containers', spec.containers, spec.containerLines ?? []),
    '',
  ].join('\n')
}

/** The common case: a Deployment `name` with one container `name` running `image`. */
export function singleContainer(name: string, image: string): string {
  return deployment({ name, containers: { [name]: image } })
}
