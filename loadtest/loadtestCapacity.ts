/**
 * Capacity search: add `stepBots` bots, hold for `stepDurationS`, check the
 * SLO over that step; repeat until the SLO breaks, the generator saturates,
 * or the --bots ceiling is reached. The answer is the highest bot count whose
 * step held the SLO with an unsaturated generator.
 *
 * Each step is judged on its own figures: the joins made during the step
 * (its ramp) and the full-load window after them. With `stepRetries`, a step
 * that breaks the SLO is measured again (up to that many more windows) before
 * it ends the search: on a shared machine one scheduling stall in a 10 s
 * window is enough to break a p99. Every attempt is listed in the report.
 */
import type { LoadtestOptions } from "./args.ts";
import type { LoadController } from "./controller.ts";
import type { Aggregate } from "./loadtestMetrics.ts";
import { buildReport, type CapacityReport, type CapacityStep, type LoadReport, type ReportInput } from "./loadtestReport.ts";

export interface CapacityOutcome {
  capacity: CapacityReport;
  /** Full-load window of the step the run is summarised by: the highest passing one, else the first. */
  measured: Aggregate | undefined;
  /** That step's SLO verdict (the top-level report's `slo`). */
  stepReport: LoadReport | undefined;
}

/** What the search needs from the controller (a fake in loadtestCapacity.test.ts). */
export type CapacityDriver = Pick<LoadController, "record" | "release" | "spawnTo" | "hold" | "tickHz">;

export async function findCapacity(
  controller: CapacityDriver,
  options: Readonly<LoadtestOptions>,
  signal: AbortSignal,
  onStep: (ccu: number, phase: "ramp" | "hold") => void,
  common: Omit<ReportInput, "bots" | "joins" | "measured" | "interrupted" | "tickHz">,
): Promise<CapacityOutcome> {
  const steps: CapacityStep[] = [];
  let first: { report: LoadReport; measured: Aggregate } | undefined;
  let best: { report: LoadReport; measured: Aggregate } | undefined;
  let highestPassingCcu = 0;
  let limitedBy: CapacityReport["limitedBy"] = "max-bots";

  for (let ccu = Math.min(options.stepBots, options.bots); ; ccu = Math.min(ccu + options.stepBots, options.bots)) {
    const joins = controller.record();
    onStep(ccu, "ramp");
    await controller.spawnTo(ccu, options.rampPerS, signal);
    let outcome: { report: LoadReport; measured: Aggregate } | undefined;
    for (let attempt = 1; attempt <= 1 + options.stepRetries && !signal.aborted; attempt++) {
      onStep(ccu, "hold");
      const measured = controller.record();
      await controller.hold(options.stepDurationS, signal);
      controller.release(measured);
      if (signal.aborted) break;
      // `joins` stays open across attempts: errors during a re-measure still count against the step.
      const report = buildReport({ ...common, bots: ccu, joins, measured, interrupted: false, tickHz: controller.tickHz });
      steps.push(stepOf(ccu, attempt, report));
      outcome = { report, measured };
      if (report.slo.pass || report.generatorSaturated) break;
    }
    controller.release(joins);
    if (signal.aborted || outcome === undefined) {
      limitedBy = "interrupted";
      break;
    }
    first ??= outcome;
    if (outcome.report.generatorSaturated) {
      limitedBy = "generator";
      break;
    }
    if (!outcome.report.slo.pass) {
      limitedBy = "slo";
      break;
    }
    highestPassingCcu = ccu;
    best = outcome;
    if (ccu >= options.bots) break;
  }

  const summarised = best ?? first;
  return {
    capacity: {
      highestPassingCcu, limitedBy, stepBots: options.stepBots, stepDurationS: options.stepDurationS,
      stepRetries: options.stepRetries, steps,
    },
    measured: summarised?.measured,
    stepReport: summarised?.report,
  };
}

function stepOf(ccu: number, attempt: number, report: LoadReport): CapacityStep {
  return {
    ccu,
    attempt,
    joined: report.joined,
    failed: report.failed,
    rttP50Ms: report.rttMs.p50,
    rttP99Ms: report.rttMs.p99,
    joinP99Ms: report.joinMs.p99,
    patchIntervalP99Ms: report.patchIntervalMs.p99,
    bytesDownPerBotPerS: report.bytesDownPerBotPerS,
    generatorCpuPct: report.generatorCpuPct,
    generatorTickLagP95Ms: report.generatorTickLagMs.p95,
    isSloPass: report.slo.pass,
    isGeneratorSaturated: report.generatorSaturated,
    failures: report.slo.failures,
  };
}
