// The placeholders of the commit-message, title, body and labels inputs.

import { type ImageReference, imageName, isDigest, pinnedReference, shortDigest } from '../image/reference.js'

export interface TemplateValues {
  /** The pinned reference written into the manifests. */
  image: string
  /** The repository as the `image` input spells it. */
  repository: string
  /** The last path segment of the repository. */
  name: string
  /** '' when the image has no tag. */
  tag: string
  digest: string
  /** The first 12 hex digits of the digest. */
  'short-digest': string
  /** The tag, else the short digest: something a human reads as a version. */
  version: string
}

export const PLACEHOLDERS: readonly (keyof TemplateValues)[] = [
  'image',
  'repository',
  'name',
  'tag',
  'digest',
  'short-digest',
  'version',
]

// `{{`/`}}` come first in the alternation so `{{image}}` stays literal. Only `{word}` is a placeholder:
// other braces (JSON in a body, say) pass through untouched.
const TOKEN = /\{\{|\}\}|\{\s*([A-Za-z_][\w.-]*)\s*\}/g

/**
 * Replaces {image}, {repository}, {name}, {tag}, {digest}, {short-digest} and {version}; `{{` and `}}`
 * are literal braces. An unknown placeholder throws an Error naming it and the known ones (the caller
 * adds the input's name).
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(TOKEN, (token: string, name: string | undefined) => {
    if (name === undefined) return token[0]
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new Error(
        `unknown placeholder {${name}}; the known ones are ${PLACEHOLDERS.map((known) => `{${known}}`).join(', ')} (write {{ and }} for literal braces)`,
      )
    }
    return values[name as keyof TemplateValues]
  })
}

/** The values of every placeholder for `reference` pinned to `digest`. */
export function templateValues(reference: ImageReference, digest: string): TemplateValues {
  if (!isDigest(digest))
    throw new Error(`"${digest}" is not a sha256 digest (sha256: followed by 64 lowercase hex digits)`)
  const tag = reference.tag ?? ''
  const short = shortDigest(digest)
  return {
    image: pinnedReference(reference, digest),
    repository: reference.repository,
    name: imageName(reference),
    tag,
    digest,
    'short-digest': short,
    version: tag || short,
  }
}
