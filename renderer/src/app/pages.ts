// The window's pages, in navigation order. A first-run setup assistant (issue 9) will be added as one more
// entry here (its own page, listed first while setup is incomplete); nothing else in the shell needs to change.
export type PageId = 'board' | 'rules' | 'users' | 'connections' | 'log';

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
];

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
