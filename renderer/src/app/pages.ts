// The window's pages, in navigation order. The setup assistant (issue 9) is listed last once Presence Bridge is
// set up; while Microsoft is not configured yet it comes first and the window opens on it (navPages).
export type PageId = 'board' | 'rules' | 'users' | 'connections' | 'log' | 'setup';

export interface PageDef {
  id: PageId;
  /** Pages that edit the settings draft: leaving them with unsaved edits asks first. */
  editsSettings: boolean;
  /**
   * The settings sections the page's fields edit: the page counts as changed (dot in the navigation, question
   * before leaving) only when one of these differs from the saved settings.
   */
  sections: readonly string[];
}

export const PAGES: readonly PageDef[] = [
  { id: 'board', editsSettings: false, sections: [] },
  { id: 'rules', editsSettings: true, sections: ['rules', 'customRows', 'switches', 'sync'] },
  { id: 'users', editsSettings: true, sections: ['users'] },
  { id: 'connections', editsSettings: true, sections: ['microsoft', 'starface', 'network'] },
  { id: 'log', editsSettings: false, sections: [] },
  // The assistant's setting fields come from the engine (setup.steps): Microsoft, STARFACE and the user selection.
  // (A trusted certificate goes straight to the engine, not through the draft.)
  { id: 'setup', editsSettings: true, sections: ['microsoft', 'starface', 'users'] },
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

/** The pages with unsaved edits, given the sections that differ from the saved settings (changedSections). */
export function changedPages(sections: ReadonlySet<string>): Set<PageId> {
  const out = new Set<PageId>();
  for (const p of PAGES) if (p.sections.some((s) => sections.has(s))) out.add(p.id);
  return out;
}
