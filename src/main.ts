// One run of the action, in the order it happens. Everything that can be checked is
// checked before the first side effect: inputs, the GitOps manifests and the image
// source; only then is anything pushed or committed.
import * as core from '@actions/core'
import { handleCancellation, letFinish, settleWriteOutputs, throwIfCancelled } from './cancel.js'
import { errorMessage } from './errors.js'
import { readSettings } from './settings.js'
import { readMode, readVerifyModeSettings } from './verify/mode-settings.js'

export async function run(): Promise<void> {
  handleCancellation()
  try {
    if (readMode() === 'verify') {
      // A GitOps commit that is already there: no image, registry, Google Cloud or write-back.
      const { verifyRevision } = await import('./verify/revision.js')
      return await verifyRevision(await readVerifyModeSettings())
    }
    const settings = await readSettings()
    // The clients load once the inputs are known to be good: a misconfigured run fails fast.
    const { openGitOps } = await import('./writeback/gitops.js')
    const { readManifestTarget } = await import('./writeback/read.js')
    const { writeBack } = await import('./writeback/write.js')
    const gitops = openGitOps(settings)
    const target = await phase('Read the GitOps manifests', () => readManifestTarget(gitops, settings))
    await phase('Check that this is no rollback', async () =>
      (await import('./rollback/guard.js')).checkRollback(settings, gitops.repository, gitops.selectors, target),
    )
    // Where the change may go: a protected base (push mode), the merge method (`merge`).
    const merge =
      settings.merge !== undefined || target.snapshot.protected === true
        ? await import('./writeback/merge.js')
        : undefined
    const merging =
      merge &&
      (await phase('Check branch protection and merge settings', () =>
        merge.checkBranchWrites(gitops, settings, target),
      ))
    const verifier =
      settings.verify &&
      (await phase(settings.verify.argocd ? 'Check Argo CD' : 'Prepare the verification', async () =>
        (await import('./verify/index.js')).checkArgoCd(settings, target, gitops.repository),
      ))

    const { inspectImages, publishImages } = await import('./fleet/publish.js')
    const plans = await phase('Check the image source', () => inspectImages(settings))

    const credentials = await phase('Authenticate to Google Cloud', async () => {
      const { authenticate } = await import('./gcp/source.js')
      return authenticate(settings.gcp)
    })
    const images = await phase(settings.dryRun ? 'Resolve the images (dry run)' : 'Publish the images', () =>
      publishImages(settings, plans, credentials),
    )

    if (settings.attestation)
      await phase('Verify the build provenance', async () =>
        (await import('./attest/index.js')).verifyProvenance(settings, images, credentials),
      )
    const digests = images.map((image) => image.digest)
    const written = await phase(
      settings.dryRun ? 'Compute the change (dry run)' : 'Write back to the GitOps repository',
      // A cancelled job lets a write on its way land, and reports it.
      () => letFinish(writeBack(gitops, settings, target, digests).then(settleWriteOutputs)),
    )
    const { outcome, reverter } =
      merge && merging && !settings.dryRun
        ? await phase('Merge the pull request', () => merge.mergeWriteBack(gitops, settings, merging, written, digests))
        : { outcome: written, reverter: undefined }
    const { queuedDeployment } = settings
    if (queuedDeployment !== undefined && !settings.dryRun) {
      await phase('Queue the GitHub deployment', async () =>
        (await import('./verify/queued.js')).queueDeployment({ ...settings, queuedDeployment }, outcome),
      )
    }
    const verification =
      verifier && !settings.dryRun
        ? await phase('Verify the deployment', () =>
            verifier.run(verifier.change(outcome, target, digests), undefined, reverter),
          )
        : undefined
    const { setOutputs } = await import('./outputs.js')
    await phase('Report', () => setOutputs(settings, gitops, images, outcome))
    if (verifier && verification) await verifier.report(verification)
  } catch (error) {
    core.setFailed(errorMessage(error))
  }
}

function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  throwIfCancelled()
  return core.group(name, work)
}
