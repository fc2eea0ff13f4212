/**
 * `npm run vectors`
 * Regenerates docs/movement-vectors.json from src/sim. The builder is pure
 * (src/sim/movementVectors.ts); only this command touches the file system.
 */
import { writeFileSync } from "node:fs";
import { MOVEMENT_VECTORS_FILE, movementVectorsJson } from "./sim/movementVectors.ts";
import { parseCommandLine } from "./commandLine.ts";

const USAGE = `usage: npm run vectors

Writes ${MOVEMENT_VECTORS_FILE}: the arena's level, movement constants and named cases of wire
inputs with the player's wire position and velocity after every step, computed by src/sim. A port
of the client's prediction in another language replays them to prove it steps bit for bit like
the server. Run it after changing the movement, the level or the wire scales, and commit the file:
src/movementVectors.test.ts fails while the committed file differs from what src/sim computes.`;

parseCommandLine({ name: "vectors", usage: USAGE, options: {} });
const text = movementVectorsJson();
writeFileSync(new URL(`../${MOVEMENT_VECTORS_FILE}`, import.meta.url), text);
process.stdout.write(`wrote ${MOVEMENT_VECTORS_FILE} (${text.length} bytes)\n`);
