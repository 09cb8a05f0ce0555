import { describe, expect, test } from '@jest/globals'
import {
  MAX_MANIFEST_BYTES,
  ManifestError,
  findImageSites,
  pinManifest,
  rewriteImages,
} from '../../src/manifests/pin.js'
import type { ContainerSelector, ImageSite } from '../../src/manifests/pin.js'

const OLD = `sha256:${'1'.repeat(64)}`
const NEW = `sha256:${'2'.repeat(64)}`
const PINNED = `nginx:1.27@${NEW}`
const NGINX: ContainerSelector = { repository: 'docker.io/library/nginx' }

/** `before` with every `{{IMG}}` written as `from`, and the expected output with it written as `to`. */
function pair(template: string, from: string, to: string): [string, string] {
  return [template.replaceAll('{{IMG}}', from), template.replaceAll('{{IMG}}', to)]
}

function sitesSummary(sites: readonly ImageSite[]) {
  return sites.map(({ kind, workload, container, initContainer, line, image }) => ({
    kind,
    workload,
    container,
    initContainer,
    line,
    image,
  }))
}

describe('workload kinds', () => {
  const podSpec = (indent: string) =>
    [
      `${indent}initContainers:`,
      `${indent}- name: migrate`,
      `${indent}  image: {{IMG}}`,
      `${indent}containers:`,
      `${indent}- name: web`,
      `${indent}  image: {{IMG}}`,
      `${indent}- name: cache`,
      `${indent}  image: redis:7`,
    ].join('\n')

  test.each([
    ['Pod', 'v1', 'spec:\n', '  '],
    ['PodTemplate', 'v1', 'template:\n  spec:\n', '    '],
    ['Deployment', 'apps/v1', 'spec:\n  template:\n    spec:\n', '      '],
    ['StatefulSet', 'apps/v1', 'spec:\n  template:\n    spec:\n', '      '],
    ['DaemonSet', 'apps/v1', 'spec:\n  template:\n    spec:\n', '      '],
    ['ReplicaSet', 'apps/v1', 'spec:\n  template:\n    spec:\n', '      '],
    ['ReplicationController', 'v1', 'spec:\n  template:\n    spec:\n', '      '],
    ['Job', 'batch/v1', 'spec:\n  template:\n    spec:\n', '      '],
    [
      'CronJob',
      'batch/v1',
      'spec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n',
      '          ',
    ],
    ['Rollout', 'argoproj.io/v1alpha1', 'spec:\n  template:\n    spec:\n', '      '],
  ])('%s (%s)', (kind, apiVersion, path, indent) => {
    // 4 header lines, the path, then `initContainers:` and `- name: migrate`.
    const firstImageLine = 4 + path.split('\n').length - 1 + 3
    const template = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: frontend\n${path}${podSpec(indent)}\n`
    const [before, after] = pair(template, 'nginx:1.26', PINNED)
    const result = pinManifest(before, 'apps/frontend.yaml', NGINX, PINNED)
    expect(result.content).toBe(after)
    expect(sitesSummary(result.sites)).toEqual([
      {
        kind,
        workload: 'frontend',
        container: 'migrate',
        initContainer: true,
        line: firstImageLine,
        image: 'nginx:1.26',
      },
      {
        kind,
        workload: 'frontend',
        container: 'web',
        initContainer: false,
        line: firstImageLine + 3,
        image: 'nginx:1.26',
      },
    ])
    expect(result.changes).toEqual([
      {
        file: 'apps/frontend.yaml',
        line: firstImageLine,
        workload: 'frontend',
        kind,
        container: 'migrate',
        from: 'nginx:1.26',
        to: PINNED,
      },
      {
        file: 'apps/frontend.yaml',
        line: firstImageLine + 3,
        workload: 'frontend',
        kind,
        container: 'web',
        from: 'nginx:1.26',
        to: PINNED,
      },
    ])
    for (const site of result.sites) expect(before.slice(site.range[0], site.range[1])).toBe('nginx:1.26')
  })

  test.each([
    [
      'Service',
      'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports: [{port: 80}]\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    ],
    [
      'ConfigMap with image text',
      'apiVersion: v1\nkind: ConfigMap\ndata:\n  pod.yaml: |\n    containers:\n    - image: nginx\n  image: nginx\n',
    ],
    [
      'Kustomization',
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: nginx\n  newTag: "1.26"\n',
    ],
    [
      'unknown kind',
      'apiVersion: example.com/v1\nkind: Widget\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    ],
    [
      'a CRD reusing a built-in kind name',
      'apiVersion: example.com/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    ],
    [
      'Rollout outside argoproj.io',
      'apiVersion: apps/v1\nkind: Rollout\nspec:\n  template:\n    spec:\n      containers: [{name: web, image: nginx}]\n',
    ],
    ['kind that is not a string', 'kind: [Pod]\nspec:\n  containers: [{name: web, image: nginx}]\n'],
    ['containers that is not a list', 'kind: Pod\nspec:\n  containers: {name: web, image: nginx}\n'],
    [
      'image that is not a string',
      'kind: Pod\nspec:\n  containers:\n  - {name: a, image: 42}\n  - {name: b, image: null}\n  - {name: c, image: [nginx]}\n  - {name: d}\n  - nginx\n',
    ],
    ['a missing spec', 'kind: Deployment\nmetadata: {name: x}\n'],
    ['empty file', ''],
    ['comments only', '# nothing here\n'],
    ['empty documents', '---\n---\n# c\n---\n'],
    ['a scalar document', 'nginx\n'],
    ['a sequence document', '- kind: Pod\n  spec: {containers: [{image: nginx}]}\n'],
  ])('leaves alone: %s', (_name, content) => {
    const result = pinManifest(content, 'x.yaml', NGINX, PINNED)
    expect(result.sites).toEqual([])
    expect(result.content).toBe(content)
  })

  test('List items are workloads too', () => {
    const [before, after] = pair(
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n  spec:\n    template:\n      spec:\n        containers: [{name: web, image: {{IMG}}}]\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n',
      'nginx',
      PINNED,
    )
    const result = pinManifest(before, 'list.yaml', NGINX, PINNED)
    expect(result.content).toBe(after)
    expect(sitesSummary(result.sites)).toEqual([
      { kind: 'Deployment', workload: 'a', container: 'web', initContainer: false, line: 10, image: 'nginx' },
    ])
  })

  test('unnamed workloads and containers', () => {
    const sites = findImageSites('kind: Pod\nspec:\n  containers:\n  - image: nginx\n', 'p.yaml', NGINX)
    expect(sitesSummary(sites)).toEqual([
      { kind: 'Pod', workload: '', container: '', initContainer: false, line: 4, image: 'nginx' },
    ])
  })
})

describe('matching', () => {
  const manifest = (image: string) => `kind: Pod\nspec:\n  containers:\n  - name: web\n    image: ${image}\n`

  test.each([
    ['nginx', true],
    ['nginx:1.26', true],
    [`nginx@${OLD}`, true],
    [`nginx:1.26@${OLD}`, true],
    ['library/nginx', true],
    ['docker.io/nginx:1', true],
    ['docker.io/library/nginx', true],
    ['index.docker.io/library/nginx:1.2', true],
    ['index.docker.io/nginx', true],
    ['bitnami/nginx', false],
    ['ghcr.io/nginx', false],
    ['mirror.gcr.io/library/nginx', false],
    ['nginx-unprivileged', false],
    ['nginxinc/nginx-unprivileged', false],
    ['"{{ .Values.image }}"', false],
    ['${IMAGE}', false],
    ['Nginx', false],
    ['""', false],
  ])('%s matches docker.io/library/nginx: %s', (image, expected) => {
    expect(findImageSites(manifest(image), 'p.yaml', NGINX)).toHaveLength(expected ? 1 : 0)
  })

  test.each([
    ['nginx', 'docker.io/library/nginx'],
    ['docker.io/library/nginx', 'nginx'],
    ['index.docker.io/library/nginx:1.2', 'docker.io/nginx:1.2'],
  ])('input spelling decides the written form: %s in the manifest, %s as input', (written, input) => {
    const pinned = `${input.replace(/:[^/]*$/, '')}:1.27@${NEW}`
    const result = pinManifest(manifest(written), 'p.yaml', NGINX, pinned)
    expect(result.content).toBe(manifest(pinned))
  })

  test('other registries compare host and full path', () => {
    const selector = { repository: 'europe-docker.pkg.dev/acme/apps/backend' }
    const content = [
      'kind: Pod',
      'spec:',
      '  containers:',
      '  - {name: a, image: europe-docker.pkg.dev/acme/apps/backend:1}',
      '  - {name: b, image: europe-docker.pkg.dev/acme/apps/backend-worker:1}',
      '  - {name: c, image: us-docker.pkg.dev/acme/apps/backend:1}',
      '  - {name: d, image: europe-docker.pkg.dev/acme/backend:1}',
      '',
    ].join('\n')
    expect(findImageSites(content, 'p.yaml', selector).map((site) => site.container)).toEqual(['a'])
  })

  test('the container filter selects by name', () => {
    const [before, after] = pair(
      'kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n      - {name: web, image: nginx:1}\n      containers:\n      - name: web\n        image: {{IMG}}\n      - name: proxy\n        image: nginx:1\n',
      'nginx:1',
      PINNED,
    )
    // The init container is also called "web": the filter is on names, in both lists.
    const result = pinManifest(before, 'd.yaml', { ...NGINX, container: 'web' }, PINNED)
    expect(result.sites.map((site) => [site.container, site.initContainer])).toEqual([
      ['web', true],
      ['web', false],
    ])
    expect(result.content).toBe(after.replace('{name: web, image: nginx:1}', `{name: web, image: ${PINNED}}`))
    expect(findImageSites(before, 'd.yaml', { ...NGINX, container: 'missing' })).toEqual([])
  })

  test('multiple documents, each with its own workloads', () => {
    const [before, after] = pair(
      [
        '%YAML 1.2',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: one}',
        'spec: {template: {spec: {containers: [{name: a, image: {{IMG}}}]}}}',
        '...',
        '# between documents',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: one}',
        '---',
        '',
        '---',
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: two}',
        'spec:',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          containers:',
        '          - name: b',
        '            image: {{IMG}}',
        '',
      ].join('\n'),
      'nginx:1',
      PINNED,
    )
    const result = pinManifest(before, 'm.yaml', NGINX, PINNED)
    expect(result.content).toBe(after)
    expect(result.sites.map((site) => [site.kind, site.workload, site.line])).toEqual([
      ['Deployment', 'one', 6],
      ['CronJob', 'two', 26],
    ])
  })
})

describe('byte preservation: only the image scalar changes', () => {
  test.each([
    [
      'trailing comment on the image line',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}   # pinned by CI, do not edit\n',
      'nginx:1',
      PINNED,
    ],
    [
      'single quotes stay',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}\n',
      "'nginx:1'",
      `'${PINNED}'`,
    ],
    [
      'double quotes stay',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}} # c\n',
      '"nginx:1"',
      `"${PINNED}"`,
    ],
    [
      'CRLF line endings',
      'kind: Pod\r\nspec:\r\n  containers:\r\n  - name: web\r\n    image: {{IMG}}\r\n  - name: x\r\n    image: redis\r\n',
      'nginx:1',
      PINNED,
    ],
    ['no final newline', 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}', 'nginx:1', PINNED],
    [
      'no final newline, quoted',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}',
      '"nginx:1"',
      `"${PINNED}"`,
    ],
    [
      'byte order mark',
      '\uFEFFkind: Pod\r\nspec:\r\n  containers:\r\n  - name: web\r\n    image: {{IMG}}\r\n',
      'nginx:1',
      PINNED,
    ],
    [
      'comments, blank lines, odd indentation and key order',
      '# header\n\napiVersion: v1   # core\nkind: Pod\n\nmetadata:\n    name: p   # four spaces\nspec:\n    # the app\n    containers:\n\n        -   image: {{IMG}}\n            # below the image\n            name: web\n\n    restartPolicy: Always\n\n\n',
      'nginx:1',
      PINNED,
    ],
    [
      'flow-style containers',
      'kind: Pod\nspec:\n  containers: [{name: a, image: {{IMG}}}, {name: b, image: redis}]\n',
      'nginx:1',
      PINNED,
    ],
    [
      'flow-style, quoted, spread over lines',
      'kind: Pod\nspec: {containers: [\n  { name: a,\n    image: {{IMG}} },\n  ]}\n',
      "'nginx:1'",
      `'${PINNED}'`,
    ],
    [
      'JSON document',
      '{"kind": "Pod", "spec": {"containers": [{"name": "a", "image": {{IMG}}}]}}',
      '"nginx:1"',
      `"${PINNED}"`,
    ],
    [
      'anchor and tag on the scalar',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: &img !!str {{IMG}}\n',
      'nginx:1',
      PINNED,
    ],
    [
      'value on the next line',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image:\n      {{IMG}}\n',
      'nginx:1',
      PINNED,
    ],
    ['tab after the colon', 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image:\t{{IMG}}\n', 'nginx:1', PINNED],
    [
      'literal block scalar',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: |\n      {{IMG}}\n    ports: []\n',
      'nginx:1',
      PINNED,
    ],
    [
      'folded block scalar, strip, CRLF',
      'kind: Pod\r\nspec:\r\n  containers:\r\n  - name: web\r\n    image: >- # folded\r\n       {{IMG}}\r\n\r\n',
      'nginx:1',
      PINNED,
    ],
    [
      'non-ASCII comments',
      'kind: Pod # ünïcödé 🚀\nspec:\n  containers:\n  - name: wéb\n    image: {{IMG}} # ✓\n',
      'nginx:1',
      PINNED,
    ],
    [
      'tag@digest replaced by the new tag@digest',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}\n',
      `nginx:1.26@${OLD}`,
      PINNED,
    ],
    [
      'digest-only pin',
      'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: {{IMG}}\n',
      `"nginx@${OLD}"`,
      `"nginx@${NEW}"`,
    ],
  ])('%s', (_name, template, from, to) => {
    const [before, after] = pair(template, from, to)
    const pinned = to.replace(/^['"]|['"]$/g, '')
    const result = pinManifest(before, 'p.yaml', NGINX, pinned)
    expect(result.content).toBe(after)
    expect(result.changes).toHaveLength(1)
  })

  test('the line of a site counts CRLF lines and ignores the BOM', () => {
    const sites = findImageSites(
      '\uFEFF# a\r\n\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - {name: web, image: nginx}\r\n',
      'p.yaml',
      NGINX,
    )
    expect(sites.map((site) => site.line)).toEqual([6])
  })

  test('already pinned: no change, same content', () => {
    const content = `kind: Pod\nspec:\n  containers:\n  - name: web\n    image: "${PINNED}" # x`
    const result = pinManifest(content, 'p.yaml', NGINX, PINNED)
    expect(result.sites).toHaveLength(1)
    expect(result.changes).toEqual([])
    expect(result.content).toBe(content)
  })

  test('only the sites that differ change', () => {
    const before = `kind: Pod\nspec:\n  containers:\n  - {name: a, image: ${PINNED}}\n  - {name: b, image: nginx:1}\n`
    const result = pinManifest(before, 'p.yaml', NGINX, PINNED)
    expect(result.changes.map((change) => change.container)).toEqual(['b'])
    expect(result.content).toBe(
      `kind: Pod\nspec:\n  containers:\n  - {name: a, image: ${PINNED}}\n  - {name: b, image: ${PINNED}}\n`,
    )
  })
})

describe('rewriteImages', () => {
  const content = 'kind: Pod\nspec:\n  containers:\n  - {name: a, image: nginx}\n'
  const sites = () => findImageSites(content, 'p.yaml', NGINX)

  test('a plain scalar that would need quotes becomes double-quoted', () => {
    const pinned = `[::1]:5000/app@${NEW}`
    expect(rewriteImages(content, 'p.yaml', sites(), pinned).content).toBe(
      `kind: Pod\nspec:\n  containers:\n  - {name: a, image: "${pinned}"}\n`,
    )
  })

  test('refuses a pinned value that is not an image reference', () => {
    expect(() => rewriteImages(content, 'p.yaml', sites(), 'nginx: x')).toThrow('not a valid image reference')
  })

  test('refuses sites that do not describe this text', () => {
    const stale = sites()
    expect(() => rewriteImages(content.replace('nginx', 'redis'), 'p.yaml', stale, PINNED)).toThrow(ManifestError)
    expect(() => rewriteImages(content, 'p.yaml', [...stale, ...stale], PINNED)).toThrow('overlap')
  })

  test('no sites, no change', () => {
    expect(rewriteImages(content, 'p.yaml', [], PINNED)).toEqual({ content, changes: [] })
  })
})

describe('anchors and aliases', () => {
  test('an anchored image used again by another selected container is rewritten once, at the anchor', () => {
    const [before, after] = pair(
      'kind: Pod\nspec:\n  initContainers:\n  - name: init\n    image: &img {{IMG}}\n  containers:\n  - name: web\n    image: *img\n',
      'nginx:1',
      PINNED,
    )
    const result = pinManifest(before, 'p.yaml', NGINX, PINNED)
    expect(result.content).toBe(after)
    expect(result.sites.map((site) => site.container)).toEqual(['init'])
  })

  test('merge keys: an explicit image wins over the merged one', () => {
    const content =
      'kind: Pod\nspec:\n  containers:\n  - &base {name: a, image: redis}\n  - <<: *base\n    name: b\n    image: nginx:1\n'
    expect(findImageSites(content, 'p.yaml', NGINX).map((site) => [site.container, site.line])).toEqual([['b', 7]])
  })

  test.each([
    [
      'an image aliased from outside the containers',
      'kind: Pod\nmetadata:\n  annotations:\n    image: &img nginx:1\nspec:\n  containers:\n  - name: web\n    image: *img\n',
      'p.yaml:8: container "web" in Pod takes its image from a YAML alias',
    ],
    [
      'a merged image whose anchor is not selected',
      'kind: Pod\nspec:\n  containers:\n  - &base {name: a, image: nginx}\n  - <<: *base\n    name: b\n',
      'p.yaml:5: container "b" in Pod takes its image from a YAML alias',
    ],
    [
      'a selected anchor shared with a container that is not selected',
      'kind: Pod\nspec:\n  containers:\n  - {name: a, image: &img nginx}\n  - {name: b, image: *img}\n',
      'p.yaml:5: container "b" in Pod shares the image of line 4 through a YAML alias but is not selected',
    ],
  ])('refuses %s', (_name, content, message) => {
    const selector = message.includes('not selected')
      ? { ...NGINX, container: 'a' }
      : message.includes('"b"')
        ? { ...NGINX, container: 'b' }
        : NGINX
    expect(() => findImageSites(content, 'p.yaml', selector)).toThrow(ManifestError)
    expect(() => findImageSites(content, 'p.yaml', selector)).toThrow(message)
  })

  test('a container list aliased by a second workload: ignored when it does not match, rewritten once at the anchor when it does', () => {
    const content =
      'kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n  spec:\n    containers: &c\n    - {name: web, image: redis}\n- kind: Pod\n  metadata: {name: b}\n  spec:\n    containers: *c\n'
    expect(findImageSites(content, 'p.yaml', NGINX)).toEqual([])
    const matching = content.replace('image: redis', 'image: nginx')
    const result = pinManifest(matching, 'p.yaml', NGINX, PINNED)
    expect(result.sites.map((site) => [site.workload, site.line])).toEqual([['a', 7]])
    expect(result.content).toBe(matching.replace('image: nginx', `image: ${PINNED}`))
  })

  test('aliases elsewhere are fine', () => {
    const content =
      'kind: Deployment\nmetadata:\n  labels: &labels {app: web}\nspec:\n  selector: {matchLabels: *labels}\n  template:\n    metadata: {labels: *labels}\n    spec:\n      containers: [{name: web, image: nginx}]\n'
    expect(findImageSites(content, 'd.yaml', NGINX)).toHaveLength(1)
  })

  test('deep but bounded nesting is fine', () => {
    const block = `kind: ConfigMap\ndata:\n${Array.from({ length: 250 }, (_, i) => `${' '.repeat(i + 2)}a:`).join('\n')} x\n`
    const flow = `kind: ConfigMap\ndata: ${'['.repeat(250)}${']'.repeat(250)}\n`
    const brackets = `kind: ConfigMap\ndata:\n  a: "${'['.repeat(1000)}"\n  b: |\n    ${'- '.repeat(1000)}\n`
    for (const content of [block, flow, brackets]) expect(findImageSites(content, 'c.yaml', NGINX)).toEqual([])
  })

  test('many ordinary aliases are not a bomb', () => {
    const content = `kind: ConfigMap\ndata:\n  a: &a x\n${Array.from({ length: 500 }, (_, i) => `  k${i}: *a`).join('\n')}\n`
    expect(findImageSites(content, 'c.yaml', NGINX)).toEqual([])
  })
})

describe('errors', () => {
  const lines = (...text: string[]) => text.join('\n')
  const bomb = lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    'data:',
    '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    '  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    '  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    '  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    '  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    '  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    '  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    '  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    '  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
    '',
  )
  const deepBomb = `a: &a0 [x, x]\n${Array.from({ length: 120 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`).join('\n')}\n`

  test.each([
    [
      'invalid YAML in the second document',
      lines('kind: Pod', '---', 'kind: Pod', 'spec:', '  containers: [', '  - name: x', ''),
      /^apps\/p\.yaml:6: invalid YAML: /,
    ],
    ['a tab-indented line', lines('kind: Pod', 'spec:', '\tcontainers: []', ''), /^apps\/p\.yaml:3: invalid YAML: /],
    [
      'a duplicate key',
      lines('kind: Pod', 'spec:', '  containers:', '  - name: a', '    image: nginx', '    image: redis', ''),
      /^apps\/p\.yaml:6: invalid YAML: the key "image" appears twice in the same mapping/,
    ],
    [
      'an alias without anchor',
      lines('kind: Pod', 'spec: *nope', ''),
      /^apps\/p\.yaml:2: invalid YAML: the alias \*nope has no anchor/,
    ],
    [
      'an anchor containing itself',
      lines('kind: Pod', 'spec: &s {containers: *s}', ''),
      /^apps\/p\.yaml:2: invalid YAML: an anchor contains an alias to itself/,
    ],
    ['an alias bomb', bomb, /^apps\/p\.yaml:1: YAML aliases expand this document to \d{9} nodes .* \(an alias bomb\)/],
    [
      'a deep alias bomb',
      deepBomb,
      /^apps\/p\.yaml:1: YAML aliases expand this document to more than 1000000000000000 nodes/,
    ],
    [
      'a file over the size limit',
      `kind: Pod\n${'#'.repeat(MAX_MANIFEST_BYTES)}\n`,
      /^apps\/p\.yaml: is \d+ bytes, over the 5242880-byte limit/,
    ],
    [
      'a file over the size limit in UTF-8 bytes',
      `# ${'é'.repeat(MAX_MANIFEST_BYTES / 2)}\n`,
      /over the 5242880-byte limit/,
    ],
    // Deep nesting used to take yaml's parser into quadratic time or abort Node on stack exhaustion.
    [
      'compact sequences nested 50,000 deep',
      `${'- '.repeat(50_000)}x`,
      /^apps\/p\.yaml:1: collections are nested more than 256 levels deep/,
    ],
    [
      'flow collections nested a million deep',
      `kind: Pod\nspec: ${'['.repeat(1_000_000)}`,
      /^apps\/p\.yaml:2: collections are nested more than 256 levels deep/,
    ],
    [
      'block mappings nested by indentation',
      Array.from({ length: 300 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
      /^apps\/p\.yaml:257: collections are nested more than 256 levels deep/,
    ],
    [
      'a helm template',
      lines('kind: Deployment', 'spec:', '  {{- if .Values.enabled }}', '  replicas: 1', '  {{- end }}', ''),
      /^apps\/p\.yaml:3: invalid YAML/,
    ],
  ])('%s', (_name, content, message) => {
    let error: unknown
    try {
      findImageSites(content, 'apps/p.yaml', NGINX)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ManifestError)
    expect((error as ManifestError).message).toMatch(message)
    expect((error as ManifestError).file).toBe('apps/p.yaml')
    const line = /^apps\/p\.yaml:(\d+):/.exec((error as ManifestError).message)?.[1]
    expect((error as ManifestError).line).toBe(line === undefined ? undefined : Number(line))
  })

  test('scalars written over several lines: a block with blank lines, a double-quoted escaped line break', () => {
    const block = 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: |+\n\n      nginx:1.26\n\n    ports: []\n'
    expect(pinManifest(block, 'p.yaml', NGINX, PINNED).content).toBe(block.replace('nginx:1.26', PINNED))
    const folded = 'kind: Pod\nspec:\n  containers:\n  - name: web\n    image: "ngi\\\n      nx"\n'
    expect(pinManifest(folded, 'p.yaml', NGINX, PINNED).content).toBe(
      `kind: Pod\nspec:\n  containers:\n  - name: web\n    image: "${PINNED}"\n`,
    )
  })
})

describe('issue 9: more shapes', () => {
  const API = { repository: 'registry.example.com/acme/api' }
  const API_PINNED = `registry.example.com/acme/api:2@${NEW}`

  test.each([
    [
      'AnalysisTemplate',
      'spec:\n  metrics:\n  - name: a\n    provider:\n      job:\n        spec:\n          template:\n            spec:\n              containers:\n              - {name: smoke, image: registry.example.com/acme/api:1}\n  - name: b\n    provider:\n      job:\n        spec:\n          template:\n            spec:\n              containers:\n              - {name: load, image: registry.example.com/acme/api:1}\n',
      ['smoke', 'load'],
    ],
    [
      'ClusterAnalysisTemplate',
      'spec:\n  metrics:\n  - provider:\n      job:\n        spec:\n          template:\n            spec:\n              initContainers: [{name: i, image: registry.example.com/acme/api:1}]\n',
      ['i'],
    ],
    [
      'AnalysisRun',
      'spec:\n  metrics:\n  - provider:\n      prometheus: {query: up}\n  - provider:\n      job:\n        spec:\n          template:\n            spec:\n              containers: [{name: j, image: registry.example.com/acme/api:1}]\n',
      ['j'],
    ],
    [
      'Experiment',
      'spec:\n  templates:\n  - name: baseline\n    template:\n      spec:\n        containers: [{name: base, image: registry.example.com/acme/api:1}]\n  - name: canary\n    template:\n      spec:\n        containers: [{name: canary, image: registry.example.com/acme/api:1}]\n',
      ['base', 'canary'],
    ],
  ])('Argo Rollouts %s pod specs are pinned', (kind, spec, containers) => {
    const content = `apiVersion: argoproj.io/v1alpha1\nkind: ${kind}\nmetadata: {name: x}\n${spec}`
    const result = pinManifest(content, 'a.yaml', API, API_PINNED)
    expect(result.changes.map((change) => [change.kind, change.container])).toEqual(
      containers.map((container) => [kind, container]),
    )
    expect(result.content).toBe(content.replaceAll('registry.example.com/acme/api:1', API_PINNED))
    // The same kind from another API group is someone else's CRD.
    expect(findImageSites(content.replace('argoproj.io', 'example.com'), 'a.yaml', API)).toEqual([])
  })

  test('a List nested in a List is searched', () => {
    const content =
      'kind: List\nitems:\n- kind: List\n  items:\n  - kind: Pod\n    metadata: {name: p}\n    spec:\n      containers: [{name: web, image: nginx:1}]\n'
    expect(pinManifest(content, 'l.yaml', NGINX, PINNED).content).toBe(content.replace('nginx:1', PINNED))
  })

  test('registry hosts compare case-insensitively, paths do not', () => {
    const content =
      'kind: Pod\nspec:\n  containers:\n  - {name: a, image: Registry.Example.COM/acme/api:1}\n  - {name: b, image: registry.example.com/ACME/api:1}\n'
    expect(findImageSites(content, 'p.yaml', API).map((site) => site.container)).toEqual(['a'])
    expect(findImageSites(content, 'p.yaml', { repository: 'REGISTRY.example.com/acme/api' })).toHaveLength(1)
  })

  test.each([
    [
      'an env value',
      'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: &img nginx:1\n    env:\n    - {name: IMAGE, value: *img}\n',
      'p.yaml:5: the image of container "a" in Pod is a YAML anchor (&img) that line 7 also uses (*img) outside a container image',
    ],
    [
      'an annotation in another document',
      'kind: Pod\nmetadata:\n  annotations:\n    was: *img\nspec:\n  containers:\n  - {name: a, image: &img nginx:1}\n',
      'invalid YAML',
    ],
    [
      'an annotation after it',
      'kind: Pod\nspec:\n  containers:\n  - {name: a, image: &img nginx:1}\n---\nkind: ConfigMap\n',
      '',
    ],
  ])('an anchored image also aliased in %s', (_name, content, message) => {
    if (message === '') {
      expect(findImageSites(content, 'p.yaml', NGINX)).toHaveLength(1)
      return
    }
    expect(() => findImageSites(content, 'p.yaml', NGINX)).toThrow(message)
  })

  test('an anchored image used by two matching containers is still pinned once', () => {
    const content = 'kind: Pod\nspec:\n  containers:\n  - {name: a, image: &img nginx:1}\n  - {name: b, image: *img}\n'
    expect(pinManifest(content, 'p.yaml', NGINX, PINNED).content).toBe(content.replace('nginx:1', PINNED))
  })
})

describe('files that kubectl and kustomize accept', () => {
  test('a single-quoted multi-line string with less-indented continuation lines', () => {
    const content = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: a',
      '  annotations:',
      "    note: 'first line",
      "  continued, it''s fine'",
      '    other: "two',
      ' lines"',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: a',
      '        image: nginx:1 # pinned by CI',
      '',
    ].join('\r\n')
    const result = pinManifest(content, 'd.yaml', NGINX, PINNED)
    expect(result.content).toBe(content.replace('nginx:1', PINNED))
    expect(result.changes.map((change) => change.line)).toEqual([15])
  })

  test('an unclosed quote is still invalid YAML, on its line', () => {
    const content = "kind: Pod\nmetadata:\n  annotations:\n    note: 'never closed\nspec: {}\n"
    expect(() => findImageSites(content, 'p.yaml', NGINX)).toThrow(/^p\.yaml:\d: invalid YAML/)
  })
})
