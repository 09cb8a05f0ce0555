// Several images in one run: the `image` input as a list, the pull-request branch that names the
// set, and templates rendered for all of them at once. Pure: strings in, strings out.
import { createHash } from 'node:crypto'
import { InputError, errorMessage } from '../errors.js'
import { type ImageReference, imageName, normalizedRepository, parseImageReference } from '../image/reference.js'
import { type TemplateValues, renderTemplate } from '../report/templates.js'

/** The `image` input: one reference per line (blank lines ignored), each repository once. */
export function parseImageList(value: string): ImageReference[] {
  const lines = value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  if (lines.length === 0) throw new InputError('image', 'is required but empty.')
  const seen = new Map<string, number>()
  return lines.map((line, index) => {
    let reference: ImageReference
    try {
      reference = parseImageReference(line)
    } catch (error) {
      throw new InputError(
        'image',
        lines.length === 1 ? errorMessage(error) : `line ${index + 1}: ${errorMessage(error)}`,
      )
    }
    const repository = normalizedRepository(reference)
    const earlier = seen.get(repository)
    if (earlier !== undefined) {
      throw new InputError(
        'image',
        `lines ${earlier + 1} and ${index + 1} both name ${repository}; give each image repository once per run.`,
      )
    }
    seen.set(repository, index)
    return reference
  })
}

const MAX_BRANCH_NAMES = 60

/**
 * `deploy/NAME` for one image; for several, `deploy/` and their sorted names, or a short hash
 * of the sorted repositories when that gets long: the same set of images always reuses the same
 * branch and pull request, whatever their order or tags.
 */
export function defaultBranch(images: readonly ImageReference[]): string {
  if (images.length === 1) return `deploy/${imageName(images[0]!)}`
  const names = [...new Set(images.map(imageName))].sort()
  const joined = names.join('-')
  if (joined.length <= MAX_BRANCH_NAMES && names.length === images.length) return `deploy/${joined}`
  const repositories = images.map(normalizedRepository).sort().join('\n')
  return `deploy/${images.length}-images-${createHash('sha256').update(repositories).digest('hex').slice(0, 10)}`
}

/**
 * A template rendered for every image and joined into one text: the words all renders start
 * with once, then each render's rest, comma-separated ("Deploy api 1.2, web 3.4"), in repository
 * order so that the same images in another order give the same text (and leave the pull request
 * as it is). One image: the plain render.
 */
export function renderForAll(template: string, values: readonly TemplateValues[]): string {
  const renders = [...new Set(inRepositoryOrder(values).map((v) => renderTemplate(template, v)))]
  if (renders.length === 1) return renders[0]!
  const prefix = commonWordPrefix(renders)
  return prefix + renders.map((render) => render.slice(prefix.length)).join(', ')
}

function commonWordPrefix(texts: readonly string[]): string {
  let end = 0
  const first = texts[0]!
  for (let i = 0; i < first.length; i++) {
    if (texts.some((text) => text[i] !== first[i])) break
    if (/\s/.test(first[i]!)) end = i + 1
  }
  return first.slice(0, end)
}

/** Each placeholder's values, comma-separated, for reports that show one value per field. */
export function combinedValues(values: readonly TemplateValues[]): TemplateValues {
  if (values.length === 1) return values[0]!
  const sorted = inRepositoryOrder(values)
  const join = (key: keyof TemplateValues) => [...new Set(sorted.map((v) => v[key]))].join(', ')
  return {
    image: join('image'),
    repository: join('repository'),
    name: join('name'),
    tag: join('tag'),
    digest: join('digest'),
    'short-digest': join('short-digest'),
    version: join('version'),
  }
}

/** Sorted by repository (code-point order, not the locale's): what reports derive from does not depend on input order. */
function inRepositoryOrder(values: readonly TemplateValues[]): TemplateValues[] {
  return [...values].sort((a, b) => (a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0))
}
