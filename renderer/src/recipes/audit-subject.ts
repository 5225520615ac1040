import type { AuditEntryInfo } from '../../../common/api';
import type { Translator } from '../i18n/translate';

/** The audit row's subject as people name it (the raw id stays in the cell's title). */
export function auditSubjectText(tr: Pick<Translator, 't' | 'dateTime'>, entry: Pick<AuditEntryInfo, 'subject' | 'subjectInfo'>): string {
  const { t, dateTime } = tr;
  const s = entry.subjectInfo;
  if (s === null) return entry.subject;
  switch (s.kind) {
    case 'recipe':
      return t('common.recipeVersion', { recipe: s.recipe, version: s.version });
    case 'inspection':
      return t('audit.subject.inspection', { id: s.shortId, recipe: s.recipe, version: s.recipeVersion, date: dateTime(s.at) });
    case 'golden-proposal':
      return t('audit.subject.proposal', { id: s.shortId, recipe: s.recipe, version: s.recipeVersion, date: dateTime(s.at) });
    case 'instruction':
      return t('audit.subject.instruction', { text: s.text.length > 60 ? `${s.text.slice(0, 59)}…` : s.text, recipe: s.recipe });
    case 'user':
      return s.name;
  }
}
