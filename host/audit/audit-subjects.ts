import type { AuditSubject } from '../../common/api';
import { inspectionSubject, instructionSubject, proposalInspectionId } from '../../db/repositories/audit-subjects';
import type { Db } from '../../db/open';

/** The first characters of an id: enough to tell rows apart on one screen and to search for. */
export const SHORT_ID_LENGTH = 8;

/** The recipe@version subjects written by recipe creation, golden-set refits and band changes. */
const RECIPE_VERSION = /^(.+)@(\d+)$/;

function inspection(db: Db, id: string, kind: 'inspection' | 'golden-proposal'): AuditSubject | null {
  const row = inspectionSubject(db, id);
  return row ? { kind, shortId: row.id.slice(0, SHORT_ID_LENGTH), recipe: row.recipe, recipeVersion: row.recipeVersion, at: row.createdAt } : null;
}

/**
 * Names the subject of an audit row by what its action is about. The row itself keeps the raw id
 * (the hash chain covers it); this is only how it is shown.
 */
export function describeAuditSubject(db: Db, action: string, subject: string): AuditSubject | null {
  const area = action.slice(0, action.indexOf('.'));
  switch (area) {
    case 'recipe': {
      const m = RECIPE_VERSION.exec(subject);
      return m ? { kind: 'recipe', recipe: m[1] as string, version: Number(m[2]) } : null;
    }
    case 'inspection':
    case 'review':
      return inspection(db, subject, 'inspection');
    case 'golden': {
      const inspectionId = proposalInspectionId(db, subject);
      return inspectionId ? inspection(db, inspectionId, 'golden-proposal') : null;
    }
    case 'instruction': {
      const i = instructionSubject(db, subject);
      return i ? { kind: 'instruction', recipe: i.recipe, text: i.text } : null;
    }
    case 'auth':
    case 'user':
      return { kind: 'user', name: subject };
    default:
      return null;
  }
}
