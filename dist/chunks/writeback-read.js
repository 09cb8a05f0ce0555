import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  readManifestTarget,
  rereadManifests
} from "./chunk-manifests-gotemplate.js";
import "./chunk-picomatch-index.js";
import "./chunk-manifests-json6902.js";
import "./chunk-yaml-dist-compose-compose-collection.js";
import "./chunk-image-reference.js";
import "./chunk-errors.js";
import "./chunk-actions-core-lib-command.js";
import "./chunk-esbuild-runtime.js";
export {
  readManifestTarget,
  rereadManifests
};
