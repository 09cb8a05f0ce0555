// What several benches seed and watch: the backend's Deployment in the GitOps repository and the
// Argo CD Application that deploys it.
import {
  type ArgoCdStandIn,
  type ArgoCdStandInOptions,
  type StandInApplication,
  startArgoCd,
} from '../test-support/argocd/server.js'
import { singleContainer } from '../test-support/manifests.js'
import type { Stack } from '../test-support/stack.js'

export const BACKEND_MANIFEST = 'apps/backend/deployment.yaml'

/** The GitOps repository's files: one Deployment running `acme/backend:TAG` from the stack's registry. */
export function backendFiles(stack: Stack, tag = '0.1.0'): Record<string, string> {
  return { [BACKEND_MANIFEST]: singleContainer('backend', `${stack.repository('acme/backend')}:${tag}`) }
}

/** The Argo CD Application that deploys apps/backend of the stack's GitOps repository's main. */
export function backendApplication(stack: Stack): StandInApplication {
  return {
    name: 'backend',
    source: { repoURL: `${stack.github.serverUrl}/acme/gitops.git`, path: 'apps/backend', targetRevision: 'main' },
  }
}

/** Seeds the backend's files and starts Argo CD deploying them, with these timings. */
export async function startBackendArgo(
  stack: Stack,
  timings: Omit<ArgoCdStandInOptions, 'github' | 'applications'>,
): Promise<ArgoCdStandIn> {
  await stack.github.seed(backendFiles(stack))
  return startArgoCd({ github: stack.github, applications: [backendApplication(stack)], ...timings })
}

/** The inputs that verify with that Argo CD. */
export function argoInputs(argo: ArgoCdStandIn): Record<string, string> {
  return { 'argocd-server': argo.url, 'argocd-application': 'backend', 'argocd-token': argo.token }
}
