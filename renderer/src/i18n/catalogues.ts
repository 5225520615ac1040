import type { Language } from '../../../common/api';
import { de } from './messages.de';
import { en, type Messages } from './messages.en';

/** One complete catalogue per language of common/api.ts: a language added there without one does not compile. */
export const CATALOGUES: Readonly<Record<Language, Messages>> = { en, de };
