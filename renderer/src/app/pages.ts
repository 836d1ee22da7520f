// The window's pages, in navigation order. The setup assistant (issue 9) is listed last once Presence Bridge is
// set up; while Microsoft is not configured yet it comes first and the window opens on it (navPages).
export type PageId = 'board' | 'rules' | 'users' | 'connections' | 'log' | 'setup';

export interface PageDef {
  id: PageId;
  /** Pages that edit the settings draft: leaving them with unsaved edits asks first. */
  editsSettings: boolean;
}

export const PAGES: readonly PageDef[] = [
  { id: 'board', editsSettings: false },
  { id: 'rules', editsSettings: true },
  { id: 'users', editsSettings: true },
  { id: 'connections', editsSettings: true },
  { id: 'log', editsSettings: false },
  { id: 'setup', editsSettings: true },
];

/** Navigation order: the setup assistant first while setup is needed. */
export function navPages(setupNeeded: boolean): readonly PageDef[] {
  if (!setupNeeded) return PAGES;
  return [...PAGES.filter((p) => p.id === 'setup'), ...PAGES.filter((p) => p.id !== 'setup')];
}

/** Which page shows a settings section (first part of an issue path). */
export const PAGE_OF_SECTION: Readonly<Record<string, PageId>> = {
  microsoft: 'connections',
  starface: 'connections',
  network: 'connections',
  users: 'users',
  rules: 'rules',
  customRows: 'rules',
  switches: 'rules',
  sync: 'rules',
};

export function pageEditsSettings(id: PageId): boolean {
  return PAGES.find((p) => p.id === id)?.editsSettings ?? false;
}
