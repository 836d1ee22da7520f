// The renderer's view of the control contract and the settings schema. Pages import types from here only, so
// when src/control/contract.ts or src/core/settings.ts change shape, this file is the one place to follow.
import type {
  AuthStatus,
  CheckReport,
  ControlEvent as ContractEvent,
  EventDataOf,
  EventType,
  Issue,
  LogEntry,
  LogLevel,
  MethodName,
  ParamsInputOf,
  PbxCapabilitiesView,
  ResultOf,
  Roster,
  RosterUser,
  SecretName,
  SetupCheckResult,
  SetupFieldView,
  SetupStepId,
  SetupStepView,
  ExpiryWarningView,
  SyncStatus,
  SyncState,
  TelephonyState,
  UserLiveState,
} from '../../../src/control/contract.js';
import type { CustomRow, Settings } from '../../../src/core/settings.js';
import type { ConnectionState } from '../control/http-client.js';
import type { BuiltInRowId, ChatPresence, DndAction, Rule } from '../../../src/core/status-rows.js';

export type {
  AuthStatus, BuiltInRowId, ChatPresence, CheckReport, CustomRow, DndAction, Issue, LogEntry, LogLevel,
  PbxCapabilitiesView, Roster, RosterUser, Rule, SecretName, Settings, SyncState, SyncStatus, TelephonyState, UserLiveState,
  SetupCheckResult, SetupFieldView, SetupStepId, SetupStepView, ExpiryWarningView,
};

export type Method = MethodName;

/** Params as the renderer sends them and results as it reads them (settings are core Settings both ways). */
export type Params<M extends Method> = ParamsInputOf<M>;
export type Result<M extends Method> = ResultOf<M>;
export type ControlEvent = ContractEvent;
export type { EventDataOf, EventType };

export type SecretsStatus = Result<'secrets.status'>;
/** The setup assistant's steps in one language, what is missing, and expiry warnings (setup.steps). */
export type SetupStepsResult = Result<'setup.steps'>;

/** What the pages need from a control client (IPC or HTTP; the page never knows which). */
export interface ControlClient {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  subscribe(fn: (e: ControlEvent) => void): () => void;
  /** The event stream's state; the listener gets the current state at once. */
  onConnection(fn: (state: ConnectionState, error?: string) => void): () => void;
}

/** Readable error of a failed call: the host's `{ ok: false, error }` or a transport failure. */
export interface CallError { code: string; message: string; issues?: Issue[] }

export function toCallError(err: unknown): CallError {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; issues?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'error',
      message: typeof e.message === 'string' && e.message !== '' ? e.message : String(err),
      ...(Array.isArray(e.issues) ? { issues: e.issues as Issue[] } : {}),
    };
  }
  return { code: 'error', message: String(err) };
}
