import { LANGUAGES, Language } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  language: Language;
  /** Signed in, the choice is kept for the user; signed out, it holds for this page only. */
  signedIn: boolean;
  onChange: (language: Language) => void;
}

/** The UI language, each offered in its own name. */
export function LanguageSwitch({ language, signedIn, onChange }: Props) {
  const { t } = useT();
  return (
    <select
      className="language-switch"
      data-testid="language-select"
      aria-label={t('account.language')}
      title={signedIn ? t('account.language') : t('account.languageSignedOut')}
      value={language}
      onChange={(e) => {
        const parsed = Language.safeParse(e.target.value);
        if (parsed.success) onChange(parsed.data);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l} lang={l}>
          {t(`language.${l}`)}
        </option>
      ))}
    </select>
  );
}
