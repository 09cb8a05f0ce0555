// Every image of the run through the registry, one after another: all sources are checked
// before anything is pushed, so one missing image fails the run with nothing written.
import {
  type PublishPlan,
  type PublishResult,
  type RegistryCredentials,
  inspectSource,
  publishImage,
} from '../registry/publish.js'
import type { Settings } from '../settings.js'
import type { ImageReference } from '../image/reference.js'

export interface InspectedImage {
  readonly image: ImageReference
  readonly plan: PublishPlan
}

export async function inspectImages(settings: Settings): Promise<InspectedImage[]> {
  const inspected: InspectedImage[] = []
  for (const image of settings.images) {
    inspected.push({ image, plan: await inspectSource({ image, source: settings.source, dryRun: settings.dryRun }) })
  }
  return inspected
}

export async function publishImages(
  settings: Settings,
  inspected: readonly InspectedImage[],
  credentials: RegistryCredentials | undefined,
): Promise<PublishResult[]> {
  const results: PublishResult[] = []
  for (const { image, plan } of inspected) {
    const request = { image, source: settings.source, dryRun: settings.dryRun }
    results.push(await publishImage({ ...request, ...(credentials !== undefined && { credentials }) }, plan))
  }
  return results
}
