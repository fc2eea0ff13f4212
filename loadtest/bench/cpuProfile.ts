/**
 * Reading a V8 `.cpuprofile` (what `node --cpu-prof` writes): self time per
 * call-tree node within a time window, rolled up by category and by function.
 * Pure: the caller reads the file.
 *
 * A sample is a call-tree node (the innermost frame running when the sampler
 * fired); its weight is the time to the next sample, so a sampler that fell
 * behind is not undercounted. Timestamps are microseconds on the monotonic
 * clock Node's `process.hrtime` also reads.
 */
import { categoryOf, type CallFrame, type CategoryRule } from "./profileCategories.ts";

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** us, monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample. */
  samples: number[];
  /** us since the previous sample (the first: since startTime). */
  timeDeltas: number[];
}

/** A span on the profile's clock, us; samples at `startUs <= t < endUs` count. */
export interface WindowUs {
  startUs: number;
  endUs: number;
}

export interface SelfTime {
  samples: number;
  us: number;
}

export interface CategoryTime extends SelfTime {
  id: string;
  label: string;
}

export interface FunctionTime extends SelfTime {
  functionName: string;
  /** Shortened script location, `path:line` (1-based), or "" for native frames. */
  location: string;
  category: string;
}

export interface ProfileBreakdown {
  /** The window actually covered by samples, us. */
  windowUs: number;
  samples: number;
  /** Every category in rule order, zeros included. */
  categories: CategoryTime[];
  /** Functions by self time, most first. */
  functions: FunctionTime[];
}

/** Self time of each node id over the window. */
export function selfTimeByNode(profile: CpuProfile, window?: WindowUs): Map<number, SelfTime> {
  const times = new Map<number, SelfTime>();
  const { samples, timeDeltas } = profile;
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += timeDeltas[i] ?? 0;
    const next = i + 1 < samples.length ? t + (timeDeltas[i + 1] ?? 0) : profile.endTime;
    if (window !== undefined && (t < window.startUs || t >= window.endUs)) continue;
    const id = samples[i]!;
    const entry = times.get(id) ?? { samples: 0, us: 0 };
    entry.samples++;
    // V8 occasionally records a sample out of order: a negative gap weighs nothing.
    entry.us += Math.max(0, next - t);
    times.set(id, entry);
  }
  return times;
}

/** Each node's frames from itself out to the root. */
function stacksByNode(profile: CpuProfile): Map<number, CallFrame[]> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const stacks = new Map<number, CallFrame[]>();
  for (const node of profile.nodes) {
    const stack: CallFrame[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!.callFrame);
    stacks.set(node.id, stack);
  }
  return stacks;
}

/** Self time over the window by category (every sample lands in exactly one) and by function. */
export function breakdown(profile: CpuProfile, rules: readonly CategoryRule[], window?: WindowUs, shortenUrl: (url: string) => string = (u) => u): ProfileBreakdown {
  const self = selfTimeByNode(profile, window);
  const stacks = stacksByNode(profile);
  const categories = new Map(rules.map((r) => [r.id, { id: r.id, label: r.label, samples: 0, us: 0 }]));
  const functions = new Map<string, FunctionTime & { usByCategory: Map<string, number> }>();
  let samples = 0;
  let us = 0;
  for (const [nodeId, time] of self) {
    const stack = stacks.get(nodeId);
    if (stack === undefined) continue;
    const rule = categoryOf(stack, rules);
    const category = categories.get(rule.id)!;
    category.samples += time.samples;
    category.us += time.us;
    samples += time.samples;
    us += time.us;
    const frame = stack[0]!;
    const location = frame.url === "" ? "" : `${shortenUrl(frame.url)}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName}\u0000${location}:${frame.columnNumber}`;
    const fn = functions.get(key)
      ?? { functionName: frame.functionName || "(anonymous)", location, category: rule.id, samples: 0, us: 0, usByCategory: new Map() };
    fn.samples += time.samples;
    fn.us += time.us;
    fn.usByCategory.set(rule.id, (fn.usByCategory.get(rule.id) ?? 0) + time.us);
    functions.set(key, fn);
  }
  // A function reached from several places is shown under the category most of its time went to.
  const byFunction = [...functions.values()].map(({ usByCategory, ...fn }) => ({
    ...fn, category: [...usByCategory].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0],
  }));
  return {
    windowUs: us,
    samples,
    categories: [...categories.values()],
    functions: byFunction.sort((a, b) => b.us - a.us),
  };
}
