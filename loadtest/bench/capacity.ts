/**
 * Capacity search: the most players at which a contender still passes (every
 * client served, update interval p99 <= 2x nominal). From the comparison run
 * it doubles until a step fails, then bisects, within a bounded number of
 * steps.
 *
 * A failure is the server's unless the generator fell behind while the
 * server's core still had room: then that count is out of the generator's
 * reach, and the search goes on below it, so the answer is a lower bound.
 * A failure while other processes held a share of a core is measured again
 * first (`retries` in all), unless the generator itself used its whole core.
 * A failure that persists counts: this machine is what is measured, and the
 * report shows how busy its cores were.
 */

export interface StepOutcome {
  players: number;
  isPass: boolean;
  /** The generator itself used its whole core. */
  isGeneratorSaturated: boolean;
  /** The generator's core was full (its work plus other processes') or its input loop ran a tick late. */
  isGeneratorBehind: boolean;
  /** The server's core was full: its own work plus other processes'. */
  isServerCoreFull: boolean;
  /** Other processes took a noticeable share of either core. */
  isContended: boolean;
  updateIntervalP99Ms: number;
  bytesPerClientPerS: number;
  failure: string;
}

export interface CapacityPlan {
  /** The contender's hard ceiling (this server: its room cap). */
  ceilingPlayers: number;
  /** Steps after the comparison run, retries not counted. */
  maxSteps: number;
  /** Bisection stops when the bracket is this narrow (or 10% of the passing count, if wider). */
  resolutionPlayers: number;
  /** Re-measures of failed steps that other processes on the cores may have caused. */
  retries: number;
}

/** "interval": the server's own limit was bracketed; the others end with a lower bound. */
export type CapacityLimit = "interval" | "generator" | "ceiling" | "steps";

export interface Capacity {
  /** Most players that passed (0: none did). */
  players: number;
  limitedBy: CapacityLimit;
  isLowerBound: boolean;
  /** Fewest players that failed on the server's account, if any. */
  failedAt: number | null;
  /** Fewest players the generator could not serve, if any. */
  generatorLimitAt: number | null;
  steps: StepOutcome[];
}

const GROWTH = 2;

export async function searchCapacity(
  first: StepOutcome,
  plan: CapacityPlan,
  measureStep: (players: number) => Promise<StepOutcome>,
): Promise<Capacity> {
  const steps: StepOutcome[] = [];
  let passed = 0;
  let failedAt = Number.POSITIVE_INFINITY;
  let generatorLimitAt = Number.POSITIVE_INFINITY;
  let outcome = first;
  let newSteps = 0;
  let retriesLeft = plan.retries;
  let next: number | undefined;
  for (;;) {
    steps.push(outcome);
    if (outcome.isPass) {
      passed = Math.max(passed, outcome.players);
      // More players would only load the generator further.
      if (outcome.isGeneratorSaturated) generatorLimitAt = Math.min(generatorLimitAt, outcome.players + 1);
    } else if (isWorthRetrying(outcome) && retriesLeft > 0) {
      retriesLeft--;
      outcome = await measureStep(outcome.players);
      continue;
    } else if (isGeneratorsFault(outcome)) {
      generatorLimitAt = Math.min(generatorLimitAt, outcome.players);
    } else {
      failedAt = Math.min(failedAt, outcome.players);
    }
    next = nextPlayers(passed, Math.min(failedAt, generatorLimitAt), plan);
    if (next === undefined || newSteps >= plan.maxSteps) break;
    newSteps++;
    outcome = await measureStep(next);
  }
  const limitedBy: CapacityLimit = failedAt <= generatorLimitAt
    ? (Number.isFinite(failedAt) ? "interval" : next === undefined ? "ceiling" : "steps")
    : "generator";
  return {
    players: passed,
    limitedBy,
    isLowerBound: limitedBy !== "interval",
    failedAt: Number.isFinite(failedAt) ? failedAt : null,
    generatorLimitAt: Number.isFinite(generatorLimitAt) ? generatorLimitAt : null,
    steps,
  };
}

/** A failure the generator may have caused: it fell behind while the server's core had room. */
function isGeneratorsFault(outcome: StepOutcome): boolean {
  return outcome.isGeneratorBehind && !outcome.isServerCoreFull;
}

/** A failure worth measuring again: other processes took a share of a core (not a generator out of CPU of its own). */
export function isWorthRetrying(outcome: StepOutcome): boolean {
  return !outcome.isPass && outcome.isContended && !outcome.isGeneratorSaturated;
}

/**
 * The most players of a passing step whose total egress (players x bytes per
 * client per second) fits `budgetBytesPerS`: capacity on a real uplink rather
 * than loopback. Only measured steps count (no extrapolation); 0 when none fits.
 */
export function playersWithinEgress(capacity: Capacity, budgetBytesPerS: number): number {
  let best = 0;
  for (const step of capacity.steps) {
    if (step.isPass && step.players * step.bytesPerClientPerS <= budgetBytesPerS) best = Math.max(best, step.players);
  }
  return best;
}

/**
 * The next player count to try below `upper` (the fewest that failed, or
 * that the generator could not serve), or undefined when the bracket is
 * found or the ceiling passed.
 */
export function nextPlayers(passed: number, upper: number, plan: CapacityPlan): number | undefined {
  if (!Number.isFinite(upper)) {
    return passed >= plan.ceilingPlayers ? undefined : Math.min(plan.ceilingPlayers, Math.ceil(passed * GROWTH));
  }
  if (passed === 0) {
    const half = Math.floor(upper / GROWTH);
    return half >= 1 ? half : undefined;
  }
  if (upper - passed <= Math.max(plan.resolutionPlayers, Math.ceil(passed * 0.1))) return undefined;
  return Math.round((passed + upper) / 2);
}
