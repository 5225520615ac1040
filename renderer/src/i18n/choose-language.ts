import { LANGUAGES, type Language, type WhoAmI } from '../../../common/api';

/** The first of the browser's languages the UI speaks; English when it speaks none of them. */
export function browserLanguage(browserLanguages: readonly string[]): Language {
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l === primary);
    if (found) return found;
  }
  return 'en';
}

/**
 * What the page speaks: a choice made on this page (not kept by the host), else what the host
 * says for the caller (the user's own language, else the station's default), else the browser's.
 */
export function chooseLanguage(who: WhoAmI | null, pageChoice: Language | null, browserLanguages: readonly string[]): Language {
  return pageChoice ?? who?.language ?? browserLanguage(browserLanguages);
}
