import { z } from "zod";
import { ID_PATTERN } from "../src/identifiers.ts";
import { PlayerName } from "./joinOptions.ts";
import { DM_TEXT_MAX_CHARS, type ClientMessages } from "./messages.ts";

/** Checks a client's `rename` against the catalogue's payload. */
export const RenameMessageSchema = z.object({ name: PlayerName }) satisfies z.ZodType<ClientMessages["rename"]>;

/** Checks a client's `dm` request against the catalogue's payload. */
export const DirectMessageRequestSchema = z.object({
  to: z.string().regex(ID_PATTERN, "to must be a player id"),
  text: z.string().trim().min(1).max(DM_TEXT_MAX_CHARS),
}) satisfies z.ZodType<ClientMessages["dm"]>;
