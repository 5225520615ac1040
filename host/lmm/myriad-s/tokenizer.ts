import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { StationError } from '../../../common/errors';

/** The export's tokenizer.json through @huggingface/tokenizers; special tokens are never added implicitly. */
export interface MyriadSTokenizer {
  /** Ids of `text`; special token strings in it (e.g. `<image>`) become their single ids. */
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** @throws StationError('BAD_MODEL') when the vocabulary lacks `token`. */
  idOf(token: string): number;
}

/** @throws StationError('BAD_MODEL') when the file is not a tokenizer the library can load. */
export function loadTokenizer(path: string): MyriadSTokenizer {
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(JSON.parse(readFileSync(path, 'utf8')) as object, {});
  } catch (cause) {
    throw new StationError('BAD_MODEL', `${path} is not a valid tokenizer.json: ${(cause as Error).message}`, { cause });
  }
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => tokenizer.decode([...ids], { skip_special_tokens: false }),
    idOf(token) {
      const id = tokenizer.token_to_id(token);
      if (id === undefined) throw new StationError('BAD_MODEL', `${path} has no token ${token}`);
      return id;
    },
  };
}
