import { expect, it } from 'vitest';
import { pick } from '../../common/pick';

it('copies the named fields, absent ones included as undefined, and nothing else', () => {
  const row: { id: number; name: string; secret: string; note?: string } = { id: 7, name: 'washer', secret: 'hash' };
  const shown = pick(row, ['name', 'note']);
  expect(shown).toEqual({ name: 'washer', note: undefined });
  expect(Object.keys(shown)).toEqual(['name', 'note']);
  expect(shown).not.toHaveProperty('secret');
});
