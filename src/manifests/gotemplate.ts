// Go/Helm templates (`templates/*.yaml` of a chart) are not manifests until Helm renders them: they hold
// `{{ … }}` actions and usually do not parse as YAML. Pure.

import { parseAllDocuments } from 'yaml'
import { parseRelaxed } from './relaxed.js'

/** True when the file contains `{{` and does not parse as YAML: a template, not a manifest. */
export function isGoTemplate(content: string): boolean {
  if (!content.includes('{{')) return false
  const { documents } = parseRelaxed(content, (text) => [parseAllDocuments(text)].flat())
  return documents.some((document) => document.errors.length > 0)
}

/** What to do about a template the `manifests` input named explicitly. */
export function templateAdvice(path: string): string {
  const chart = /^(.*?)\/?templates\//.exec(path)?.[1]
  const values = chart ? `${chart}/values.yaml` : 'CHART/values.yaml'
  return (
    `${path} is a Go/Helm template (it contains "{{" and is not YAML until Helm renders it), so it cannot be pinned in place. ` +
    `Pin the chart's image where its values are set, with the fields input (e.g. "${values}#image.tag=tag"), ` +
    `and leave the template out of manifests`
  )
}
