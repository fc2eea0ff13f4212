/**
 * The bytes-per-moved-entity part of `bench:tick`: what one moved entity
 * costs by ref-id band (isolated, from encoded patches), what a moved entity
 * costs all-in in the live run, and the in-process A/B of x,y as two uint16
 * against one packed uint32.
 */
import { createRequire } from "node:module";
import { movedEntityCost, PATCH_FRAME_PREFIX_BYTES, sdkDecodesPackedPositions, tickOnlyPatchBytes, type MovedEntityCost, type WireVariant } from "./entityBytes.ts";
import { REF_ID_BANDS, type PatchTally } from "./patchTally.ts";
import { replayPatchBytes } from "./patchReplay.ts";
import { formatTable } from "./stats.ts";

export interface LiveBytesRow {
  label: string;
  patches: number;
  patchBytes: number;
  tally: PatchTally;
}

export interface EntityBytesOptions {
  live: readonly LiveBytesRow[];
  replayPlayers: number;
  replaySeconds: number;
  tickHz: number;
  patchHz: number;
  viewRadiusUnits: number;
}

type CostTable = Record<WireVariant, MovedEntityCost[]>;

/** Position bytes of a tally's moves at the isolated per-band costs: the moved-entity cost alone, in that mix. */
function positionBytes(tally: PatchTally, costs: readonly MovedEntityCost[]): number {
  return tally.movedByBand.reduce((sum, moved, band) => {
    const oneAxis = tally.movedOneAxisByBand[band] ?? 0;
    const cost = costs[band]!;
    return sum + (moved - oneAxis) * cost.bothAxes + oneAxis * cost.oneAxis;
  }, 0);
}

const perMoved = (bytes: number, tally: PatchTally) => (tally.moved === 0 ? "-" : (bytes / tally.moved).toFixed(2));
const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${((100 * part) / whole).toFixed(0)}%`);
const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);

export function entityBytesReport(options: EntityBytesOptions): string {
  const costs: CostTable = {
    stock: REF_ID_BANDS.map((band) => movedEntityCost("stock", band.firstRefId)),
    packed: REF_ID_BANDS.map((band) => movedEntityCost("packed", band.firstRefId)),
  };
  const tickBytes = tickOnlyPatchBytes();
  const out: string[] = [];

  out.push("\nbytes per moved entity, by ref-id band: encoded patches in which 100 players of one view move and nothing else changes");
  out.push(formatTable(
    ["ref ids", "ref id B", "x,y uint16: both axes", "one axis", "packed uint32: both axes", "one axis"],
    REF_ID_BANDS.map((band, i) => [
      band.label, String(band.refIdBytes),
      String(costs.stock[i]!.bothAxes), String(costs.stock[i]!.oneAxis),
      String(costs.packed[i]!.bothAxes), String(costs.packed[i]!.oneAxis),
    ]),
    ["left"],
  ));
  out.push(`patch header: ${PATCH_FRAME_PREFIX_BYTES + tickBytes} B per client per patch (message code 1 + server time and input ack 8 + the state's tick ${tickBytes}).`);

  if (options.live.length > 0) {
    out.push("\nall-in, live run: patch bytes / moved visible players (own player included); the rest is aim, hp and score, the own velocity, entries, spawns, leaves and the header");
    out.push(formatTable(
      ["players", "moved/patch", "ref id >= 128", "one axis", "entered/patch", "spawned/patch", "B/patch", "position B/moved", "all-in B/moved"],
      options.live.map((row) => [
        row.label,
        (row.tally.moved / Math.max(1, row.patches)).toFixed(2),
        pct(row.tally.moved - (row.tally.movedByBand[0] ?? 0), row.tally.moved),
        pct(sum(row.tally.movedOneAxisByBand), row.tally.moved),
        (row.tally.entered / Math.max(1, row.patches)).toFixed(2),
        (row.tally.spawned / Math.max(1, row.patches)).toFixed(2),
        (row.patchBytes / Math.max(1, row.patches)).toFixed(1),
        perMoved(positionBytes(row.tally, costs.stock), row.tally),
        perMoved(row.patchBytes, row.tally),
      ]),
    ));
    out.push("position B/moved: the moved-entity cost alone, each move priced at its band's and axes' cost from the table above.");
  }

  out.push(`\nx,y as two uint16 against one packed uint32: the same simulated match (${options.replayPlayers} players, bench:tick's inputs, `
    + `${options.replaySeconds} s after 3 s warm-up) mirrored onto both schemas in-process, every client's patch encoded and decoded; `
    + "players join a room whose ref ids start in the band");
  const replayRows: string[][] = [];
  let checked = 0;
  let isExact = true;
  for (const band of REF_ID_BANDS) {
    const replay = replayPatchBytes({
      players: options.replayPlayers, warmupSeconds: 3, seconds: options.replaySeconds, tickHz: options.tickHz, patchHz: options.patchHz,
      viewRadiusUnits: options.viewRadiusUnits, firstPlayerRefId: band.firstRefId, seed: 1,
    });
    checked += replay.packedPositionsChecked;
    isExact &&= replay.isPackingExact;
    const { stock, packed } = replay.sides;
    const perClientS = (bytes: number) => (bytes / options.replayPlayers / replay.measuredSeconds).toFixed(0);
    replayRows.push([
      band.label,
      pct(sum(stock.movedOneAxisByBand), stock.moved),
      perMoved(positionBytes(stock, costs.stock), stock), perMoved(stock.bytes, stock), perClientS(stock.bytes),
      perMoved(positionBytes(packed, costs.packed), packed), perMoved(packed.bytes, packed), perClientS(packed.bytes),
      `${((100 * (packed.bytes - stock.bytes)) / stock.bytes).toFixed(1)}%`,
    ]);
  }
  out.push(formatTable(
    ["players' ref ids", "one axis", "x,y: position B/moved", "all-in B/moved", "B/client/s",
      "packed: position B/moved", "all-in B/moved", "B/client/s", "packed bytes vs x,y"],
    replayRows,
    ["left"],
  ));
  const sdkVersion = (createRequire(import.meta.url)("@colyseus/sdk/package.json") as { version: string }).version;
  out.push(`packed uint32 decoded by the stock JS SDK ${sdkVersion} (its SchemaSerializer after the reflection handshake, values up to 2^32 - 1): `
    + `${sdkDecodesPackedPositions() ? "yes" : "NO"}; unpacked positions equal the simulation's bit for bit: `
    + `${isExact ? "yes" : "NO"} (${checked} positions).`);
  return out.join("\n");
}
