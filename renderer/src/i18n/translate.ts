import type { Language } from '../../../common/api';
import { CATALOGUES } from './catalogues';
import type { en, MessageKey } from './messages.en';

type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;
type Value = string | number;
/** The named parameters of a message, read from its English text. */
export type MessageParams<K extends MessageKey> = { [P in ParamNames<(typeof en)[K]>]: Value };
type ArgsOf<K extends MessageKey> = [ParamNames<(typeof en)[K]>] extends [never] ? [] : [MessageParams<K>];

/** Keys of plural pairs, without their `.one`/`.other`. */
type PluralBase<K> = K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never;
export type PluralKey = PluralBase<MessageKey>;
type PluralParams<B extends PluralKey> = Omit<MessageParams<`${B}.one` & MessageKey> & MessageParams<`${B}.other` & MessageKey>, 'count'>;
type PluralArgs<B extends PluralKey> = [keyof PluralParams<B>] extends [never] ? [] : [PluralParams<B>];

export interface Translator {
  language: Language;
  /** The BCP 47 locale numbers and dates are written in. */
  locale: string;
  t<K extends MessageKey>(key: K, ...params: ArgsOf<K>): string;
  /** The plural form for `count` (Intl.PluralRules), which fills `{count}`. */
  plural<B extends PluralKey>(key: B, count: number, ...params: PluralArgs<B>): string;
  /** A number with `digits` decimals (up to 6 when not given), without grouping: scores, thresholds. */
  num(value: number, digits?: number): string;
  percent(fraction: number): string;
  dateTime(iso: string): string;
  time(iso: string): string;
}

/**
 * The locale for a language: the browser's own variant of it when it has one (en-GB keeps its day
 * before month), else the bare language.
 */
export function localeFor(language: Language, browserLanguages: readonly string[]): string {
  return browserLanguages.find((l) => l.toLowerCase().split('-')[0] === language) ?? language;
}

/** Replaces `{name}` by its parameter; numbers are written in the locale. */
export function interpolate(text: string, params: Record<string, Value>, num: (v: number) => string): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return typeof v === 'number' ? num(v) : v;
  });
}

function asDate(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function createTranslator(language: Language, browserLanguages: readonly string[] = []): Translator {
  const messages = CATALOGUES[language];
  const locale = localeFor(language, browserLanguages);
  const formats = new Map<number | undefined, Intl.NumberFormat>();
  const num = (value: number, digits?: number): string => {
    let f = formats.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { useGrouping: false, minimumFractionDigits: digits ?? 0, maximumFractionDigits: digits ?? 6 });
      formats.set(digits, f);
    }
    return f.format(value);
  };
  const rules = new Intl.PluralRules(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  // The fields of Date.toLocaleString(), in the chosen locale rather than the browser's.
  const dateTime = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const lookup = (key: MessageKey, params: Record<string, Value>) => interpolate(messages[key], params, (v) => num(v));
  return {
    language,
    locale,
    t: (key, ...params) => lookup(key, params[0] ?? {}),
    plural(key, count, ...params) {
      const form = rules.select(count) === 'one' ? 'one' : 'other';
      return lookup(`${key}.${form}` as MessageKey, { ...(params[0] ?? {}), count });
    },
    num,
    percent: (fraction) => percent.format(fraction),
    dateTime: (iso) => {
      const d = asDate(iso);
      return d ? dateTime.format(d) : iso;
    },
    time: (iso) => {
      const d = asDate(iso);
      return d ? time.format(d) : iso;
    },
  };
}
