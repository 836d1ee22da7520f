// The accounts of the reference's examples (§3.3 test vectors: login 123, password Pass123; §9: Max Muster),
// shared by the simulator's and the client's conformance tests.
import type { SimUserInput } from '../../src/simulators/starface/index.js';

export const REFERENCE_USERS: SimUserInput[] = [
  { login: '123', password: 'Pass123', email: 'max@example.com', firstName: 'Max', familyName: 'Muster', groups: ['Support'] },
  { login: '0001', password: 'admin-pw', email: 'admin@example.com', admin: true },
];
