import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);

// src/report/markdown.ts
var bodyLength = (text2) => text2.length + countNewlines(text2);
var utf8Length = (text2) => Buffer.byteLength(text2);
function countNewlines(text2) {
  let count = 0;
  for (let index = text2.indexOf("\n"); index >= 0; index = text2.indexOf("\n", index + 1)) count++;
  return count;
}
function code(value) {
  const text2 = value.replace(/\r?\n|\r/g, " ");
  if (text2 === "") return "` `";
  const fence = "`".repeat(longestRun(text2, "`") + 1);
  const pad = text2.startsWith("`") || text2.endsWith("`") || text2.startsWith(" ") && text2.endsWith(" ") && text2.trim() !== "" ? " " : "";
  return `${fence}${pad}${text2}${pad}${fence}`;
}
function text(value) {
  return value.replace(/\r?\n|\r/g, " ").replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, "\\$&");
}
function html(value) {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function cell(markdown) {
  return markdown.replace(/\|/g, "\\|");
}
function link(label, url2) {
  return `[${label}](${url2.replace(/[\s()<>]/g, (char) => encodeURIComponent(char))})`;
}
function url(server, ...segments) {
  const path = segments.flatMap((segment) => segment.split("/")).filter((segment) => segment !== "").map(encodeURIComponent).join("/");
  return `${server.replace(/\/+$/, "")}/${path}`;
}
function fenced(content, info = "") {
  const fence = "`".repeat(Math.max(3, longestRun(content, "`") + 1));
  const body = content.endsWith("\n") ? content : `${content}
`;
  return `${fence}${info}
${body}${fence}
`;
}
function table(rows) {
  return ["| | |", "|---|---|", ...rows.map(([label, value]) => `| **${label}** | ${cell(value)} |`)].join("\n") + "\n";
}
function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}
function longestRun(value, char) {
  let longest = 0;
  let current = 0;
  for (const c of value) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
var COLLAPSE_LINES = 25;
var NOTE_RESERVE = 400;
function diffSections(files, budget, measure, limitName) {
  const withDiff = files.filter((file) => file.diff !== "");
  const parts = [];
  const newline = measure("\n");
  let used = 0;
  for (const [index, file] of withDiff.entries()) {
    const block = diffBlock(file);
    const room = budget - used - (index < withDiff.length - 1 ? NOTE_RESERVE : 0);
    if (measure(block) + newline <= room) {
      parts.push(block);
      used += measure(block) + newline;
      continue;
    }
    const cut = truncatedDiffBlock(file, budget - used - NOTE_RESERVE, measure);
    if (cut !== void 0) parts.push(cut.block);
    const left = withDiff.length - index - (cut === void 0 ? 0 : 1);
    const shown = cut === void 0 ? "" : `The last diff is cut after ${plural(cut.shown, "line")} of ${cut.total}. `;
    const rest = left > 0 ? `The diffs of ${plural(left, "more file")} are left out. ` : "";
    parts.push(`_${shown}${rest}This keeps the text under ${limitName}; the commit has the full change._
`);
    break;
  }
  return parts.join("\n");
}
function diffBlock(file) {
  const lines = file.diff.endsWith("\n") ? file.diff.slice(0, -1).split("\n") : file.diff.split("\n");
  if (lines.length <= COLLAPSE_LINES) return fenced(file.diff, "diff");
  return details(file, lines, fenced(file.diff, "diff"));
}
function details(file, lines, block) {
  let added = 0;
  let removed = 0;
  for (const line of lines.slice(2)) {
    if (line.startsWith("+")) added++;
    else if (line.startsWith("-")) removed++;
  }
  return `<details><summary><code>${html(file.path)}</code> (+${added} \u2212${removed})</summary>

${block}
</details>
`;
}
function truncatedDiffBlock(file, room, measure) {
  const lines = (file.diff.endsWith("\n") ? file.diff.slice(0, -1) : file.diff).split("\n");
  const fence = "`".repeat(Math.max(3, longestRun(file.diff, "`") + 1));
  const newline = measure("\n");
  let size = measure(details(file, lines, `${fence}diff
${fence}
`)) + newline;
  let shown = 0;
  while (shown < lines.length && size + measure(lines[shown]) + newline <= room) {
    size += measure(lines[shown]) + newline;
    shown++;
  }
  if (shown < 4) return void 0;
  const kept = lines.slice(0, shown);
  return { block: details(file, lines, `${fence}diff
${kept.join("\n")}
${fence}
`), shown, total: lines.length };
}
function changeList(files, budget, measure) {
  const lines = [];
  let used = 0;
  let left = files.reduce((sum, file) => sum + file.changes.length, 0);
  const newline = measure("\n");
  const fits = (line) => used + measure(line) + newline + NOTE_RESERVE / 4 <= budget;
  outer: for (const file of files) {
    const heading = `- ${code(file.path)}`;
    if (!fits(heading)) break;
    lines.push(heading);
    used += measure(heading) + newline;
    for (const change of file.changes) {
      const item = `  - ${describeChange(change)}`;
      if (!fits(item)) break outer;
      lines.push(item);
      used += measure(item) + newline;
      left--;
    }
  }
  if (left > 0) lines.push(`- \u2026 and ${plural(left, "more container")}`);
  return lines.join("\n") + "\n";
}
function describeChange(change) {
  const where = [change.kind && text(change.kind), change.workload && code(change.workload)].filter(Boolean).join(" ");
  const notContainer = change.kind === "Kustomization" || change.kind === "field";
  const container = change.container ? `container ${code(change.container)}` : notContainer ? "" : "container";
  const what = [where, container].filter(Boolean).join(", ");
  return `line ${change.line}: ${what}: ${code(change.from)} \u2192 ${code(change.to)}`;
}

// src/report/pull-request.ts
var PULL_REQUEST_MARKER = "<!-- gitops-deploy-action -->";
var MAX_BODY_LENGTH = 65536;
var LIMIT_NAME = "GitHub's limit of 65,536 characters";
var TABLE_FILES = 10;
function pullRequestBody(facts, intro) {
  for (const layout of ["full", "no-diffs", "table-only"]) {
    const body = compose(facts, intro, layout);
    if (bodyLength(body) <= MAX_BODY_LENGTH) return body;
  }
  return compose(facts, "", "table-only");
}
function compose(facts, intro, layout) {
  const summaryTable = factsTable(facts);
  const links = sourceLinks(facts.source);
  const footer = `${links ? `${links}

` : ""}${PULL_REQUEST_MARKER}
`;
  let budget = MAX_BODY_LENGTH - bodyLength(summaryTable) - bodyLength(footer) - 64;
  const introText = intro.trim() === "" ? "" : fitIntro(intro.trim(), Math.min(budget - 2e3, budget * 0.75));
  budget -= bodyLength(introText) + 4;
  const sections = [introText, summaryTable];
  const withChanges = facts.files.filter((file) => file.changes.length > 0);
  if (layout !== "table-only" && withChanges.length > 0) {
    sections.push(`**Changed containers**

${changeList(withChanges, Math.max(0, budget * 0.5), bodyLength)}`);
    budget -= bodyLength(sections[sections.length - 1]) + 4;
  }
  if (facts.files.some((file) => file.diff !== "")) {
    sections.push(
      layout === "full" ? `**Diff**

${diffSections(facts.files, budget - 32, bodyLength, LIMIT_NAME)}` : `_The diffs are left out to stay under ${LIMIT_NAME}; the commit has the full change._`
    );
  }
  sections.push(footer);
  return sections.filter((section) => section !== "").map((section) => section.replace(/\n+$/, "")).join("\n\n") + "\n";
}
function factsTable(facts, extraRows = []) {
  const paths = facts.files.map((file) => code(file.path));
  const shown = paths.slice(0, TABLE_FILES);
  if (paths.length > TABLE_FILES) shown.push(`\u2026 and ${plural(paths.length - TABLE_FILES, "more file")}`);
  return table([
    ["Image", code(facts.image.image)],
    ["Digest", code(facts.image.digest)],
    ["Registry", code(facts.registry)],
    ...extraRows,
    ["Files", shown.length > 0 ? shown.join("<br>") : "none"]
  ]);
}
function sourceLinks(source) {
  const { serverUrl, repository, sha, runId } = source;
  if (!serverUrl || !repository) return "";
  const commit = sha ? `from commit ${link(code(sha.slice(0, 7)), url(serverUrl, repository, "commit", sha))} of ${text(repository)}` : "";
  const run = runId ? `by ${link(`workflow run ${text(runId)}`, url(serverUrl, repository, "actions/runs", runId))}${sha ? "" : ` of ${text(repository)}`}` : "";
  return commit || run ? `Deployed ${[commit, run].filter(Boolean).join(" ")}.` : "";
}
function fitIntro(intro, room) {
  if (bodyLength(intro) <= room) return intro;
  const note = `

_The description above is cut to stay under ${LIMIT_NAME}._`;
  let end = 0;
  let size = bodyLength(note);
  for (const line of intro.split("\n")) {
    const next = bodyLength(line) + 2;
    if (size + next > room) break;
    size += next;
    end += line.length + 1;
  }
  return intro.slice(0, Math.max(0, end - 1)) + note;
}

// node_modules/diff/libesm/diff/base.js
var Diff = class {
  diff(oldStr, newStr, options = {}) {
    let callback;
    if (typeof options === "function") {
      callback = options;
      options = {};
    } else if ("callback" in options) {
      callback = options.callback;
    }
    const oldString = this.castInput(oldStr, options);
    const newString = this.castInput(newStr, options);
    const oldTokens = this.removeEmpty(this.tokenize(oldString, options));
    const newTokens = this.removeEmpty(this.tokenize(newString, options));
    return this.diffWithOptionsObj(oldTokens, newTokens, options, callback);
  }
  diffWithOptionsObj(oldTokens, newTokens, options, callback) {
    var _a;
    const done = (value) => {
      value = this.postProcess(value, options);
      if (callback) {
        setTimeout(function() {
          callback(value);
        }, 0);
        return void 0;
      } else {
        return value;
      }
    };
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let editLength = 1;
    let maxEditLength = newLen + oldLen;
    if (options.maxEditLength != null) {
      maxEditLength = Math.min(maxEditLength, options.maxEditLength);
    }
    const maxExecutionTime = (_a = options.timeout) !== null && _a !== void 0 ? _a : Infinity;
    const abortAfterTimestamp = Date.now() + maxExecutionTime;
    const bestPath = [{ oldPos: -1, lastComponent: void 0 }];
    let newPos = this.extractCommon(bestPath[0], newTokens, oldTokens, 0, options);
    if (bestPath[0].oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
      return done(this.buildValues(bestPath[0].lastComponent, newTokens, oldTokens));
    }
    let minDiagonalToConsider = -Infinity, maxDiagonalToConsider = Infinity;
    const execEditLength = () => {
      for (let diagonalPath = Math.max(minDiagonalToConsider, -editLength); diagonalPath <= Math.min(maxDiagonalToConsider, editLength); diagonalPath += 2) {
        let basePath;
        const removePath = bestPath[diagonalPath - 1], addPath = bestPath[diagonalPath + 1];
        if (removePath) {
          bestPath[diagonalPath - 1] = void 0;
        }
        let canAdd = false;
        if (addPath) {
          const addPathNewPos = addPath.oldPos - diagonalPath;
          canAdd = addPath && 0 <= addPathNewPos && addPathNewPos < newLen;
        }
        const canRemove = removePath && removePath.oldPos + 1 < oldLen;
        if (!canAdd && !canRemove) {
          bestPath[diagonalPath] = void 0;
          continue;
        }
        if (!canRemove || canAdd && removePath.oldPos < addPath.oldPos) {
          basePath = this.addToPath(addPath, true, false, 0, options);
        } else {
          basePath = this.addToPath(removePath, false, true, 1, options);
        }
        newPos = this.extractCommon(basePath, newTokens, oldTokens, diagonalPath, options);
        if (basePath.oldPos + 1 >= oldLen && newPos + 1 >= newLen) {
          return done(this.buildValues(basePath.lastComponent, newTokens, oldTokens)) || true;
        } else {
          bestPath[diagonalPath] = basePath;
          if (basePath.oldPos + 1 >= oldLen) {
            maxDiagonalToConsider = Math.min(maxDiagonalToConsider, diagonalPath - 1);
          }
          if (newPos + 1 >= newLen) {
            minDiagonalToConsider = Math.max(minDiagonalToConsider, diagonalPath + 1);
          }
        }
      }
      editLength++;
    };
    if (callback) {
      (function exec() {
        setTimeout(function() {
          if (editLength > maxEditLength || Date.now() > abortAfterTimestamp) {
            return callback(void 0);
          }
          if (!execEditLength()) {
            exec();
          }
        }, 0);
      })();
    } else {
      while (editLength <= maxEditLength && Date.now() <= abortAfterTimestamp) {
        const ret = execEditLength();
        if (ret) {
          return ret;
        }
      }
    }
  }
  addToPath(path, added, removed, oldPosInc, options) {
    const last = path.lastComponent;
    if (last && !options.oneChangePerToken && last.added === added && last.removed === removed) {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: last.count + 1, added, removed, previousComponent: last.previousComponent }
      };
    } else {
      return {
        oldPos: path.oldPos + oldPosInc,
        lastComponent: { count: 1, added, removed, previousComponent: last }
      };
    }
  }
  extractCommon(basePath, newTokens, oldTokens, diagonalPath, options) {
    const newLen = newTokens.length, oldLen = oldTokens.length;
    let oldPos = basePath.oldPos, newPos = oldPos - diagonalPath, commonCount = 0;
    while (newPos + 1 < newLen && oldPos + 1 < oldLen && this.equals(oldTokens[oldPos + 1], newTokens[newPos + 1], options)) {
      newPos++;
      oldPos++;
      commonCount++;
      if (options.oneChangePerToken) {
        basePath.lastComponent = { count: 1, previousComponent: basePath.lastComponent, added: false, removed: false };
      }
    }
    if (commonCount && !options.oneChangePerToken) {
      basePath.lastComponent = { count: commonCount, previousComponent: basePath.lastComponent, added: false, removed: false };
    }
    basePath.oldPos = oldPos;
    return newPos;
  }
  equals(left, right, options) {
    if (options.comparator) {
      return options.comparator(left, right);
    } else {
      return left === right || !!options.ignoreCase && left.toLowerCase() === right.toLowerCase();
    }
  }
  removeEmpty(array) {
    const ret = [];
    for (let i = 0; i < array.length; i++) {
      if (array[i]) {
        ret.push(array[i]);
      }
    }
    return ret;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  castInput(value, options) {
    return value;
  }
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  tokenize(value, options) {
    return Array.from(value);
  }
  join(chars) {
    return chars.join("");
  }
  postProcess(changeObjects, options) {
    return changeObjects;
  }
  get useLongestToken() {
    return false;
  }
  buildValues(lastComponent, newTokens, oldTokens) {
    const components = [];
    let nextComponent;
    while (lastComponent) {
      components.push(lastComponent);
      nextComponent = lastComponent.previousComponent;
      delete lastComponent.previousComponent;
      lastComponent = nextComponent;
    }
    components.reverse();
    const componentLen = components.length;
    let componentPos = 0, newPos = 0, oldPos = 0;
    for (; componentPos < componentLen; componentPos++) {
      const component = components[componentPos];
      if (!component.removed) {
        if (!component.added && this.useLongestToken) {
          let value = newTokens.slice(newPos, newPos + component.count);
          value = value.map(function(value2, i) {
            const oldValue = oldTokens[oldPos + i];
            return oldValue.length > value2.length ? oldValue : value2;
          });
          component.value = this.join(value);
        } else {
          component.value = this.join(newTokens.slice(newPos, newPos + component.count));
        }
        newPos += component.count;
        if (!component.added) {
          oldPos += component.count;
        }
      } else {
        component.value = this.join(oldTokens.slice(oldPos, oldPos + component.count));
        oldPos += component.count;
      }
    }
    return components;
  }
};

// node_modules/diff/libesm/diff/array.js
var ArrayDiff = class extends Diff {
  tokenize(value) {
    return value.slice();
  }
  join(value) {
    return value;
  }
  removeEmpty(value) {
    return value;
  }
};
var arrayDiff = new ArrayDiff();
function diffArrays(oldArr, newArr, options) {
  return arrayDiff.diff(oldArr, newArr, options);
}

// node_modules/diff/libesm/diff/line.js
var LineDiff = class extends Diff {
  constructor() {
    super(...arguments);
    this.tokenize = tokenize;
  }
  equals(left, right, options) {
    if (options.ignoreWhitespace) {
      if (!options.newlineIsToken || !left.includes("\n")) {
        left = left.trim();
      }
      if (!options.newlineIsToken || !right.includes("\n")) {
        right = right.trim();
      }
    } else if (options.ignoreNewlineAtEof && !options.newlineIsToken) {
      if (left.endsWith("\n")) {
        left = left.slice(0, -1);
      }
      if (right.endsWith("\n")) {
        right = right.slice(0, -1);
      }
    }
    return super.equals(left, right, options);
  }
};
var lineDiff = new LineDiff();
function diffLines(oldStr, newStr, options) {
  return lineDiff.diff(oldStr, newStr, options);
}
function tokenize(value, options) {
  if (options.stripTrailingCr) {
    value = value.replace(/\r\n/g, "\n");
  }
  const retLines = [], linesAndNewlines = value.split(/(\n|\r\n)/);
  if (!linesAndNewlines[linesAndNewlines.length - 1]) {
    linesAndNewlines.pop();
  }
  for (let i = 0; i < linesAndNewlines.length; i++) {
    const line = linesAndNewlines[i];
    if (i % 2 && !options.newlineIsToken) {
      retLines[retLines.length - 1] += line;
    } else {
      retLines.push(line);
    }
  }
  return retLines;
}

// node_modules/diff/libesm/patch/create.js
function structuredPatch(oldFileName, newFileName, oldStr, newStr, oldHeader, newHeader, options) {
  let optionsObj;
  if (!options) {
    optionsObj = {};
  } else if (typeof options === "function") {
    optionsObj = { callback: options };
  } else {
    optionsObj = options;
  }
  if (typeof optionsObj.context === "undefined") {
    optionsObj.context = 4;
  }
  const context = optionsObj.context;
  if (optionsObj.newlineIsToken) {
    throw new Error("newlineIsToken may not be used with patch-generation functions, only with diffing functions");
  }
  if (!optionsObj.callback) {
    return diffLinesResultToPatch(diffLines(oldStr, newStr, optionsObj));
  } else {
    const { callback } = optionsObj;
    diffLines(oldStr, newStr, Object.assign(Object.assign({}, optionsObj), { callback: (diff) => {
      const patch = diffLinesResultToPatch(diff);
      callback(patch);
    } }));
  }
  function diffLinesResultToPatch(diff) {
    if (!diff) {
      return;
    }
    diff.push({ value: "", lines: [] });
    function contextLines(lines) {
      return lines.map(function(entry) {
        return " " + entry;
      });
    }
    const hunks = [];
    let oldRangeStart = 0, newRangeStart = 0, curRange = [], oldLine = 1, newLine = 1;
    for (let i = 0; i < diff.length; i++) {
      const current = diff[i], lines = current.lines || splitLines(current.value);
      current.lines = lines;
      if (current.added || current.removed) {
        if (!oldRangeStart) {
          const prev = diff[i - 1];
          oldRangeStart = oldLine;
          newRangeStart = newLine;
          if (prev) {
            curRange = context > 0 ? contextLines(prev.lines.slice(-context)) : [];
            oldRangeStart -= curRange.length;
            newRangeStart -= curRange.length;
          }
        }
        for (const line of lines) {
          curRange.push((current.added ? "+" : "-") + line);
        }
        if (current.added) {
          newLine += lines.length;
        } else {
          oldLine += lines.length;
        }
      } else {
        if (oldRangeStart) {
          if (lines.length <= context * 2 && i < diff.length - 2) {
            for (const line of contextLines(lines)) {
              curRange.push(line);
            }
          } else {
            const contextSize = Math.min(lines.length, context);
            for (const line of contextLines(lines.slice(0, contextSize))) {
              curRange.push(line);
            }
            const hunk = {
              oldStart: oldRangeStart,
              oldLines: oldLine - oldRangeStart + contextSize,
              newStart: newRangeStart,
              newLines: newLine - newRangeStart + contextSize,
              lines: curRange
            };
            hunks.push(hunk);
            oldRangeStart = 0;
            newRangeStart = 0;
            curRange = [];
          }
        }
        oldLine += lines.length;
        newLine += lines.length;
      }
    }
    for (const hunk of hunks) {
      for (let i = 0; i < hunk.lines.length; i++) {
        if (hunk.lines[i].endsWith("\n")) {
          hunk.lines[i] = hunk.lines[i].slice(0, -1);
        } else {
          hunk.lines.splice(i + 1, 0, "\\ No newline at end of file");
          i++;
        }
      }
    }
    return {
      oldFileName,
      newFileName,
      oldHeader,
      newHeader,
      hunks
    };
  }
}
function splitLines(text2) {
  const hasTrailingNl = text2.endsWith("\n");
  const result = text2.split("\n").map((line) => line + "\n");
  if (hasTrailingNl) {
    result.pop();
  } else {
    result.push(result.pop().slice(0, -1));
  }
  return result;
}

export {
  diffArrays,
  structuredPatch,
  utf8Length,
  code,
  text,
  cell,
  link,
  url,
  diffSections,
  changeList,
  pullRequestBody,
  factsTable,
  sourceLinks
};
