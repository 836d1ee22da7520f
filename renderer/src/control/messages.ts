// Why the page cannot reach Presence Bridge, as the control clients report it (English: they also end up in
// logs and bug reports). The page shows them in its own language (i18n/engine-text.ts) with these as the detail.
// No imports: the texts are needed by browser-free code as well.

export const UNREACHABLE = 'Presence Bridge is not reachable. Check that it is still running, then reload this page.';
export const UNAUTHORIZED = 'This page\'s access token is not valid (Presence Bridge was restarted?). Open the settings page again through the link printed at start.';
export const NO_TOKEN_MESSAGE = 'This page was opened without its access token. Open the settings page through the link printed when Presence Bridge started (it ends in #token=…).';
