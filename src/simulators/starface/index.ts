// Public surface of the STARFACE PBX simulator.
export { startStarfaceSimulator, type StarfaceSimulator, type StartStarfaceSimulatorOptions, type SimUserCredentials } from './server.js';
export { DEFAULT_BEHAVIOUR, NO_FAULTS, type StarfaceSimBehaviour, type SimFaults } from './options.js';
export { generateUsers, loadUsersFile, UsersFileSchema, GENERATED_GROUPS, type SimUserInput, type UsersFile } from './users.js';
export type { SimPbx } from './pbx.js';
export { STARFACE_PROFILES, STARFACE_PROFILE_NAMES, parseProfiles, profileBehaviour, type StarfaceProfileName } from './profiles.js';
