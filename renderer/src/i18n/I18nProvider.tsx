import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { Language } from '../../../common/api';
import { createTranslator, type Translator } from './translate';

const I18nContext = createContext<Translator>(createTranslator('en'));

/** Gives the screens below it the translator of `language` and marks the document with it. */
export function I18nProvider({ language, children }: { language: Language; children: ReactNode }) {
  const translator = useMemo(() => createTranslator(language, navigator.languages ?? []), [language]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return <I18nContext.Provider value={translator}>{children}</I18nContext.Provider>;
}

/** The translator of the language in force: `t`, `plural`, and numbers and dates in its locale. */
export function useT(): Translator {
  return useContext(I18nContext);
}
