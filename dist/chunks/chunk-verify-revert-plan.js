import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  pushToBase
} from "./chunk-gitops-writer.js";
import {
  diffArrays
} from "./chunk-diff-libesm-diff-array.js";
import {
  statusOf
} from "./chunk-net-budget.js";
import {
  info,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/verify/revert-plan.ts
function planRevert(written, current) {
  const files = [];
  const restored = [];
  const leftAlone = [];
  for (const file of written) {
    const edits = lineEdits(file.before, file.after);
    const now = current.get(file.path);
    if (now === void 0) {
      leftAlone.push(...edits.map((edit) => item(file, edit, "the file was deleted since")));
      continue;
    }
    if (now === file.after) {
      files.push({ path: file.path, content: file.before });
      restored.push(...edits.map((edit) => item(file, edit)));
      continue;
    }
    const lines = splitLines(now);
    const map = lineMap(splitLines(file.after), lines);
    const replacements = [];
    for (const edit of edits) {
      const at = locate(edit, map);
      if (at === void 0) {
        leftAlone.push(item(file, edit, "changed since this run wrote it"));
        continue;
      }
      replacements.push({ at, remove: edit.afterLines.length, insert: edit.beforeLines });
      restored.push(item(file, edit));
    }
    if (replacements.length === 0) continue;
    for (const { at, remove, insert } of replacements.sort((a, b) => b.at - a.at)) lines.splice(at, remove, ...insert);
    const content = lines.join("");
    if (content !== now) files.push({ path: file.path, content });
  }
  return { files, restored, leftAlone };
}
function splitLines(text) {
  return text === "" ? [] : text.split(/(?<=\n)/);
}
function lineEdits(before, after) {
  const edits = [];
  let beforeIndex = 0;
  let afterIndex = 0;
  let removed = [];
  let added = [];
  const flush = () => {
    if (removed.length === 0 && added.length === 0) return;
    const beforeStart = beforeIndex - removed.length;
    const afterStart = afterIndex - added.length;
    if (removed.length === added.length) {
      removed.forEach(
        (line, i) => edits.push({
          beforeStart: beforeStart + i,
          beforeLines: [line],
          afterStart: afterStart + i,
          afterLines: [added[i]]
        })
      );
    } else {
      edits.push({ beforeStart, beforeLines: removed, afterStart, afterLines: added });
    }
    removed = [];
    added = [];
  };
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    if (part.removed) {
      removed.push(...part.value);
      beforeIndex += part.value.length;
    } else if (part.added) {
      added.push(...part.value);
      afterIndex += part.value.length;
    } else {
      flush();
      beforeIndex += part.value.length;
      afterIndex += part.value.length;
    }
  }
  flush();
  return edits;
}
function lineMap(from, to) {
  const map = new Array(from.length).fill(void 0);
  let fromIndex = 0;
  let toIndex = 0;
  for (const part of diffArrays([...from], [...to])) {
    if (part.removed) fromIndex += part.value.length;
    else if (part.added) toIndex += part.value.length;
    else for (let i = 0; i < part.value.length; i++) map[fromIndex++] = toIndex++;
  }
  return map;
}
function locate(edit, map) {
  if (edit.afterLines.length === 0) {
    if (edit.afterStart > 0) {
      const previous = map[edit.afterStart - 1];
      return previous === void 0 ? void 0 : previous + 1;
    }
    return map[0] ?? (map.length === 0 ? 0 : void 0);
  }
  const first = map[edit.afterStart];
  if (first === void 0) return void 0;
  for (let i = 1; i < edit.afterLines.length; i++) if (map[edit.afterStart + i] !== first + i) return void 0;
  return first;
}
function item(file, edit, why) {
  const first = edit.beforeStart + 1;
  const last = edit.beforeStart + Math.max(1, edit.beforeLines.length);
  const record = file.changes.find((change) => change.line >= first && change.line <= last);
  const what = record === void 0 ? `${file.path}:${first}` : `${file.path}:${record.line}${record.container ? ` container "${record.container}"` : ""}${record.workload ? ` in ${record.kind ?? "workload"} "${record.workload}"` : ""} (${record.to} \u2192 ${record.from})`;
  return { path: file.path, line: record?.line ?? first, description: why === void 0 ? what : `${what}: ${why}` };
}

// src/verify/revert.ts
async function revertChange(repository, base, written, message) {
  const prepare = async (snapshot) => {
    const current = /* @__PURE__ */ new Map();
    for (const file of written) current.set(file.path, await readIfPresent(repository, snapshot, file.path));
    return planRevert(written, current);
  };
  const initial = await repository.snapshot(base);
  const outcome = await pushToBase(repository, { base, initial, message, prepare });
  const plan = outcome.prepared;
  for (const item2 of plan.restored) info(`Revert: restored ${item2.description}`);
  for (const item2 of plan.leftAlone) warning(`Revert: left alone ${item2.description}`);
  return { plan, ...outcome.commitSha !== void 0 && { commitSha: outcome.commitSha } };
}
async function readIfPresent(repository, snapshot, path) {
  try {
    const [file] = await repository.readFiles(snapshot, [path]);
    return file?.content;
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error.cause) === 404) return void 0;
    throw error;
  }
}

export {
  planRevert,
  splitLines,
  revertChange,
  readIfPresent
};
