import type { AuditEntryInfo } from '../../../common/api';

/** The audit row's subject as people name it (the raw id stays in the cell's title). */
export function auditSubjectText(entry: Pick<AuditEntryInfo, 'subject' | 'subjectInfo'>): string {
  const s = entry.subjectInfo;
  if (s === null) return entry.subject;
  switch (s.kind) {
    case 'recipe':
      return `${s.recipe} v${s.version}`;
    case 'inspection':
      return `Inspection ${s.shortId} · ${s.recipe} v${s.recipeVersion} · ${new Date(s.at).toLocaleString()}`;
    case 'golden-proposal':
      return `Golden proposal from inspection ${s.shortId} · ${s.recipe} v${s.recipeVersion} · ${new Date(s.at).toLocaleString()}`;
    case 'instruction':
      return `Instruction “${s.text.length > 60 ? `${s.text.slice(0, 59)}…` : s.text}” · ${s.recipe}`;
    case 'user':
      return s.name;
  }
}
