// Public surface of the setup assistant (engine side): steps as data with their checks, shared by
// `presence-bridge setup` and the settings window (through the control service), and the expiry watch.
export * from './types.js';
export { SETUP_STEPS, stepDefinition, localizeStep, fieldApplies, getPath, setPath } from './steps.js';
export { SetupAssistant, SetupInputError, missingForSetup, type SetupStep } from './assistant.js';
export {
  openFileEnvironment, createSettingsStore, setupPaths, transportFor, transportSettingsFrom,
  type SetupEnvironment, type FileSetupEnvironment, type OpenFileEnvironmentOptions,
} from './environment.js';
export {
  CREDENTIAL_EXPIRY_SECRET, EXPIRY_WARN_DAYS, ExpiryWatch, expiryWarnings, appCredentialState, readExpiryInputs, parseExpiryDate,
  certificateNotAfter, type ExpiryWarning, type ExpiryInputs, type ExpiryKind, type ExpirySeverity, type ExpiryWatchOptions,
} from './expiry.js';
export { parseStarfaceCsv, uciPasswordSecretName, loginsWithPassword, type CsvParseResult, type CsvEntry } from '../core/uci-credentials.js';
export { analyzeTrust, fetchPresentedChain, verifiesWith, describeCertificate, chainLines, type TrustAnalysis, type PresentedCertificate } from './certificate.js';
export { APP_PERMISSION_NEEDS, DELEGATED_PRESENCE_READ, decodeTokenClaims, tokenRoles, tokenScopes, consentLink, type PermissionNeed } from './microsoft.js';
export { explainMicrosoftError, explainStarfaceError, explainTransportError, aadstsCode, type Explanation } from '../sync/explain.js';
