/**
 * Role groups that decide what a screen offers, mirroring host/accounts/roles.ts for display only:
 * the host refuses a call on its own whatever the UI shows.
 */
/** May change recipes: thresholds and golden sets (the host's recipes.setBand and golden.confirm). */
export const ENGINEERING: ReadonlySet<string> = new Set(['engineer', 'admin']);
/** May replay past inspections. */
export const OFFICE: ReadonlySet<string> = new Set(['engineer', 'supervisor', 'admin']);
/** May read and verify the audit trail. */
export const AUDITORS: ReadonlySet<string> = new Set(['supervisor', 'admin']);
/** May export the History selection (the host's reports.export and the export download). */
export const EXPORTERS: ReadonlySet<string> = new Set(['supervisor', 'admin']);
