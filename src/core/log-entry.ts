// One log line as the logger keeps it in its ring and the UI shows it (src/platform/logger.ts writes them).
import { z } from 'zod';
import { Count } from './schema-primitives.js';

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.output<typeof LogLevelSchema>;

export const LogEntrySchema = z.object({
  seq: Count,
  time: z.string(),
  level: LogLevelSchema,
  msg: z.string(),
  component: z.string().optional(),
  user: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  /**
   * Audit entries (issue 15 item 1: a change the bridge made, a settings save): a code from AUDIT_CODES with its
   * parameters, so the UI renders the entry in its own language; `msg` is the English text for files and consoles.
   */
  code: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type LogEntry = z.output<typeof LogEntrySchema>;
