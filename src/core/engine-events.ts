// The events the engine service sends to whoever listens (the UI through src/control, the tray): one schema
// per event type. The control contract re-exports them as its event catalogue.
import { z } from 'zod';
import { AuthStatusSchema, SyncStatusSchema, UserLiveStateSchema } from './engine-state.js';
import { LogEntrySchema } from './log-entry.js';
import { RosterSchema } from './roster.js';
import { SettingsSchema } from './settings.js';

export const EVENTS = {
  'state.user': UserLiveStateSchema,
  'state.sync': SyncStatusSchema,
  'auth.changed': AuthStatusSchema,
  'roster.changed': RosterSchema,
  'log.entry': LogEntrySchema,
  'settings.changed': z.object({ settings: SettingsSchema }),
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof EVENTS;
export type EventType = keyof Events;
export type EventDataOf<T extends EventType> = z.output<Events[T]>;
/** Discriminated union of every event: `{ type: 'state.user', data: UserLiveState } | …`. */
export type BridgeEvent = { [T in EventType]: { type: T; data: EventDataOf<T> } }[EventType];

export const EVENT_TYPES = Object.keys(EVENTS) as EventType[];

type EventSchemaOf<T extends EventType> = z.ZodObject<{ type: z.ZodLiteral<T>; data: Events[T] }>;
type AnyEventSchema = { [T in EventType]: EventSchemaOf<T> }[EventType];

/** `{ type, data }` for every entry of EVENTS: a new event needs only its line in EVENTS. */
export const BridgeEventSchema = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => z.object({ type: z.literal(type), data: EVENTS[type] })) as unknown as [AnyEventSchema, ...AnyEventSchema[]],
);
