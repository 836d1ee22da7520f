// zod building blocks shared by the engine's data schemas (src/core) and the control contract (src/control).
import { z } from 'zod';

/** ISO-8601 timestamp as produced by Date#toISOString (offsets accepted too). */
export const IsoTime = z.iso.datetime({ offset: true });
export const Count = z.number().int().nonnegative();
