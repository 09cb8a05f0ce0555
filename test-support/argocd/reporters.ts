// What Argo CD Notifications (GitHub service) and Flux's notification-controller (GitHub provider)
// post as commit statuses while a controller deploys a revision. Pure: one observed state in, the
// status each reporter would post (or nothing) out; server.ts posts it to the GitHub stand-in.
//
// Argo CD Notifications, with the catalog's triggers and a `github.status` template:
//   context `continuous-delivery/APP` (label `continuous-delivery/{{.app.metadata.name}}`),
//   on-sync-running → pending, on-deployed (Synced, Healthy, operation Succeeded) → success,
//   on-sync-failed → error, on-health-degraded → failure; target URL the application in the UI;
//   on the operation's revision.
// Flux notification-controller: context `kustomization/NAME/<first segment of the Provider UID>`
//   (lowercased); Progressing events → pending, info events → success, error events → failure;
//   the description is the event's message; on the event's revision.

export type Reporter = 'argocd-notifications' | 'flux'

/** What the simulated controller shows of one application at one moment. */
export interface ObservedState {
  readonly app: string
  /** The revision an operation is about (running, failed or succeeded). */
  readonly revision: string
  readonly phase: 'Running' | 'Succeeded' | 'Failed'
  readonly operationMessage: string
  /** Health as assessed after the sync (undefined while still the previous revision's). */
  readonly health?: string
  /** The first unhealthy resource's message, e.g. `Deployment "backend" exceeded its progress deadline`. */
  readonly healthMessage?: string
}

export interface PostedStatus {
  readonly state: 'pending' | 'success' | 'failure' | 'error'
  readonly context: string
  readonly description: string
  /** Flux's provider sets none. */
  readonly targetUrl?: string
}

export const FLUX_PROVIDER_UID = '1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d'

export function reportedStatus(reporter: Reporter, state: ObservedState, argoUrl: string): PostedStatus | undefined {
  return reporter === 'flux' ? fluxStatus(state) : notificationsStatus(state, argoUrl)
}

function notificationsStatus(state: ObservedState, argoUrl: string): PostedStatus | undefined {
  const base = {
    context: `continuous-delivery/${state.app}`,
    targetUrl: `${argoUrl}/applications/argocd/${state.app}?operation=true`,
  }
  if (state.phase === 'Running') return { ...base, state: 'pending', description: 'Application is syncing' }
  if (state.phase === 'Failed')
    return { ...base, state: 'error', description: `Sync failed: ${state.operationMessage}`.slice(0, 140) }
  if (state.health === 'Healthy') return { ...base, state: 'success', description: 'Application is Synced and Healthy' }
  if (state.health === 'Degraded') return { ...base, state: 'failure', description: 'Application health is Degraded' }
  return undefined
}

function fluxStatus(state: ObservedState): PostedStatus | undefined {
  const base = {
    context: `kustomization/${state.app}/${FLUX_PROVIDER_UID.split('-')[0]}`.toLowerCase(),
  }
  if (state.phase === 'Running')
    return { ...base, state: 'pending', description: 'Progressing: reconciliation in progress' }
  if (state.phase === 'Failed') return { ...base, state: 'failure', description: state.operationMessage.slice(0, 140) }
  if (state.health === 'Healthy') {
    return { ...base, state: 'success', description: `Applied revision: main@sha1:${state.revision}`.slice(0, 140) }
  }
  if (state.health === 'Degraded') {
    return {
      ...base,
      state: 'failure',
      description: `Health check failed: ${state.healthMessage ?? 'a workload is not ready'}`.slice(0, 140),
    }
  }
  return undefined
}
