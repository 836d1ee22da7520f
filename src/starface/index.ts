// Public surface of the STARFACE client (what the sync engine wires).
export { StarfaceDirectory, type StarfaceDirectoryOptions, type StarfaceUser, type StarfaceGroup } from './rest-directory.js';
export { UciSession, normalizeBaseUrl, type UciSessionOptions, type UciSessionStatus, type UciUserState, type CallbackTarget, type UciSessionStats } from './uci-session.js';
export { UciSessionPool, type UciSessionPoolOptions, type UciPoolStats } from './uci-session-pool.js';
export { CallbackServer, type CallbackServerOptions, type CallStateEvent, type CallbackServerStats, type CallbackRejectReason } from './callback-server.js';
export { capabilityReasons, deriveCapabilities, type ObservedPbxFacts } from './capabilities.js';
export { DEFAULT_UCI_SESSION_SETTINGS, resolveSessionSettings, type UciSessionSettings } from './options.js';
export { CallTracker, callPhase, fromPbxTelephonyState, type TelephonyChange } from './telephony.js';
export { UciRequestError, UciNotConnectedError, UciUnsupportedError, StarfaceRestError, StarfaceAuthError, type UciFailureKind } from './errors.js';
export { uciAuthToken, uciAuthTokenFromHash, restLoginSecret, sha512Hex, md5Hex, type UciTokenAlgorithm, type RestLoginType } from './auth.js';
export { CHAT_PRESENCE_VALUES, TELEPHONY_STATE_VALUES, type ChatPresence, type UciApiVersion } from './uci-names.js';
export { localAddressFacing } from './local-address.js';
