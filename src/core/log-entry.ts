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
});
export type LogEntry = z.output<typeof LogEntrySchema>;
