/**
 * One contender's part of the bench: its comparison run (measured again once
 * when the generator lagged or the cores were busy with other work), then its
 * capacity search, each step a fresh measurement.
 */
import { isWorthRetrying, searchCapacity, type CapacityPlan, type StepOutcome } from "./capacity.ts";
import type { Contender } from "./contenders.ts";
import { measure, type Measurement, type RunSettings } from "./measure.ts";
import { contenderResult, type ContenderResult } from "./report.ts";
import type { SendSizes } from "./sendSize.ts";

export interface ContenderPlan {
  players: number;
  comparisonS: number;
  capacityStepS: number;
  maxPlayers: number;
  capacitySteps: number;
  /** Re-measures allowed: the comparison run once, capacity steps this many times in all. */
  retries: number;
  settings: Omit<RunSettings, "measureMs">;
}

export async function runContender(
  contender: Contender, plan: ContenderPlan, sendSizes: SendSizes, log: (line: string) => void,
): Promise<ContenderResult> {
  const run = async (players: number, measureS: number) => {
    const m = await measure(contender, players, { ...plan.settings, measureMs: measureS * 1000 }, sendSizes.at(players));
    if (contender.id === "this-server") sendSizes.record(players, m.updatePayloadBytes);
    log(`${contender.label}, ${describe(m)}`);
    return m;
  };
  let comparison = await run(plan.players, plan.comparisonS);
  if (!comparison.isPass && isWorthRetrying(stepOf(comparison)) && plan.retries > 0) {
    log(`${contender.label}: the generator lagged or the cores were busy with other work; measuring again`);
    comparison = await run(plan.players, plan.comparisonS);
  }
  const capacityPlan: CapacityPlan = {
    ceilingPlayers: Math.min(contender.maxPlayers, plan.maxPlayers),
    maxSteps: plan.capacitySteps,
    retries: plan.retries,
    resolutionPlayers: Math.max(10, Math.round(plan.players / 10)),
  };
  const capacity = await searchCapacity(stepOf(comparison), capacityPlan, async (players) => {
    try {
      return stepOf(await run(players, plan.capacityStepS));
    } catch (error) {
      // A step that cannot even run (the server died, the generator gave up) has failed at this count.
      const failure = error instanceof Error ? error.message.split("\n")[0]! : String(error);
      log(`${contender.label}, ${players} players: FAIL (${failure})`);
      return {
        players, isPass: false, isGeneratorSaturated: false, isGeneratorBehind: false, isServerCoreFull: false, isContended: false,
        updateIntervalP99Ms: Number.NaN, bytesPerClientPerS: Number.NaN, failure,
      };
    }
  });
  return contenderResult(contender.id, contender.label, contender.hasAcks, comparison, capacity);
}

function stepOf(m: Measurement): StepOutcome {
  return {
    players: m.players, isPass: m.isPass, isGeneratorSaturated: m.isGeneratorSaturated, isGeneratorBehind: m.isGeneratorBehind,
    isServerCoreFull: m.isServerCoreFull, isContended: m.isContended, updateIntervalP99Ms: m.updateIntervalP99Ms,
    bytesPerClientPerS: m.bytesPerClientPerS, failure: m.failure,
  };
}

/** One progress line per measurement (stderr), with what a reader needs to trust or doubt it. */
function describe(m: Measurement): string {
  return `${m.players} players: ${m.isPass ? "pass" : `FAIL (${m.failure})`}, interval p99 ${m.updateIntervalP99Ms.toFixed(0)} ms, `
    + `${m.bytesPerClientPerS.toFixed(0)} B/client/s, server ${(m.serverCpuMsPerS / 10).toFixed(0)}% CPU`
    + `${m.isServerCoreFull ? " (core full)" : ""}, generator ${m.generatorCpuPct.toFixed(0)}% CPU`
    + `${m.isGeneratorSaturated ? " (saturated)" : m.isGeneratorBehind ? " (behind)" : ""}, `
    + `input loop lag p99 ${m.inputLoopLagP99Ms.toFixed(0)} ms, run-queue wait server ${m.serverRunQueueWaitMsPerS.toFixed(0)} / `
    + `generator ${m.generatorRunQueueWaitMsPerS.toFixed(0)} ms/s${m.isContended ? " (busy cores)" : ""}`;
}
