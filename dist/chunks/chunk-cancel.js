import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  setOutput,
  warning
} from "./chunk-actions-core-lib-command.js";

// src/cancel.ts
var IN_FLIGHT_GRACE_MS = 5e3;
var controller = new AbortController();
var cancellation = controller.signal;
var Cancelled = class extends Error {
  constructor() {
    super("The job was cancelled; nothing more is written.");
    this.name = "Cancelled";
  }
};
function throwIfCancelled() {
  if (cancellation.aborted) throw new Cancelled();
}
var known = /* @__PURE__ */ new Map();
var inFlight = /* @__PURE__ */ new Set();
function settleOutput(name, value) {
  known.set(name, value);
}
function settleWriteOutputs(outcome) {
  if (outcome.commitSha !== void 0) settleOutput("commit-sha", outcome.commitSha);
  if (outcome.pullRequest !== void 0) {
    settleOutput("pull-request-number", String(outcome.pullRequest.number));
    settleOutput("pull-request-url", outcome.pullRequest.url);
  }
  return outcome;
}
function letFinish(work) {
  inFlight.add(work);
  const done = () => void inFlight.delete(work);
  work.then(done, done);
  return work;
}
function handleCancellation(exit = (code) => process.exit(code)) {
  let exiting = false;
  const finish = () => {
    if (exiting) return;
    exiting = true;
    for (const [name, value] of known) setOutput(name, value);
    exit(1);
  };
  process.once("SIGINT", () => {
    warning("The job was cancelled: no new write starts; reporting what is done.");
    controller.abort(new Cancelled());
    const grace = new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS).unref());
    void Promise.race([Promise.allSettled([...inFlight]), grace]).then(finish);
  });
  process.once("SIGTERM", () => {
    controller.abort(new Cancelled());
    finish();
  });
}

export {
  throwIfCancelled,
  settleOutput,
  settleWriteOutputs,
  letFinish,
  handleCancellation
};
