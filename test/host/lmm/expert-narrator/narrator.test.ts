import { describe, expect, it } from 'vitest';
import { parseCells, parsePolarity } from '../../../../common/answer-grammar';
import { StationError } from '../../../../common/errors';
import type { DialogAnomaly, DialogRequest, DialogTurn } from '../../../../host/lmm/dialog-model';
import { ExpertNarrator } from '../../../../host/lmm/expert-narrator/narrator';
import { mapWithBlobs } from './synthetic-maps';

const narrator = new ExpertNarrator();

function request(anomaly: DialogAnomaly, question: string | null = null, extra: Partial<DialogRequest> = {}): DialogRequest {
  return { product: 'bottle', instructions: [], anomaly, history: [], question, ...extra };
}

async function ask(req: DialogRequest): Promise<{ text: string; deltas: string[] }> {
  const deltas: string[] = [];
  const reply = await narrator.generate(req, (d) => deltas.push(d), new AbortController().signal);
  expect(deltas.join('')).toBe(reply.text);
  expect(reply.tokens).toBe(deltas.length);
  expect(reply.firstTokenMs).toBeGreaterThan(0);
  expect(reply.totalMs).toBeGreaterThanOrEqual(reply.firstTokenMs);
  return { text: reply.text, deltas };
}

const CELL_CENTRES = [1 / 6, 1 / 2, 5 / 6];

describe('ExpertNarrator first answer', () => {
  it('is named and versioned', () => {
    expect([narrator.name, narrator.version]).toEqual(['expert-narrator', '1']);
  });

  it('names the cell of a single anomaly in each of the nine cells', async () => {
    for (let cell = 0; cell < 9; cell++) {
      const cx = CELL_CENTRES[cell % 3]!;
      const cy = CELL_CENTRES[Math.floor(cell / 3)]!;
      const { text } = await ask(request(mapWithBlobs([{ cx, cy, rx: 0.06, ry: 0.06 }], 0.8)));
      expect(parsePolarity(text), text).toBe('yes');
      expect(parseCells(text), text).toEqual([cell]);
      expect(text).toMatch(/^Yes, there is an anomaly on the bottle: one small region/);
    }
  });

  it('answers No with no cell when the score is below the threshold', async () => {
    const { text } = await ask(request(mapWithBlobs([], 0.21)));
    expect(parsePolarity(text)).toBe('no');
    expect(parseCells(text)).toEqual([]);
    expect(text).toContain('0.21');
  });

  it('counts several regions and names the largest first', async () => {
    const anomaly = mapWithBlobs(
      [
        { cx: 0.5, cy: 0.15, rx: 0.04, ry: 0.04 },
        { cx: 0.8, cy: 0.8, rx: 0.12, ry: 0.12 },
        { cx: 0.15, cy: 0.5, rx: 0.05, ry: 0.05 },
      ],
      1.3,
    );
    const { text } = await ask(request(anomaly));
    expect(parsePolarity(text)).toBe('yes');
    expect(text).toContain('three regions');
    expect(parseCells(text)).toEqual([8, 3, 1]);
  });

  it('says Yes with the peak cell when the score passes but no region does', async () => {
    const { text } = await ask(request(mapWithBlobs([{ cx: 0.85, cy: 0.15, rx: 0.05, ry: 0.05, value: 0.48 }], 0.55)));
    expect(parsePolarity(text)).toBe('yes');
    expect(parseCells(text)).toEqual([2]);
  });
});

describe('ExpertNarrator follow-ups', () => {
  const anomaly = mapWithBlobs(
    [
      { cx: 0.8, cy: 0.5, rx: 0.1, ry: 0.1 },
      { cx: 0.2, cy: 0.85, rx: 0.04, ry: 0.04 },
    ],
    0.9,
  );
  const history: DialogTurn[] = [{ role: 'assistant', text: 'Yes, there are anomalies.' }];
  const follow = (q: string) => ask(request(anomaly, q, { history }));

  it('answers where from the same regions', async () => {
    const { text } = await follow('Where is it?');
    expect(parseCells(text)).toEqual([5, 6]);
  });

  it('answers how big with the area share of the largest region', async () => {
    const { text } = await follow('How big is the defect?');
    const pct = Number(/covers about ([\d.]+)%/.exec(text)?.[1]);
    expect(pct).toBeCloseTo(Math.PI * 0.1 * 0.1 * 100, -0.5);
    expect(text).toMatch(/medium-sized/);
  });

  it('answers how many', async () => {
    expect((await follow('How many defects are there?')).text).toContain('two separate anomalous regions');
  });

  it('describes every region with cell, size and shape', async () => {
    const { text } = await follow('Describe all defects');
    expect(text).toContain('Region 1: medium-sized, round, on the right side');
    expect(text).toContain('Region 2: small, round, in the bottom left corner');
    expect(text).toMatch(/score is 0\.90, clearly above/);
  });

  it('refuses questions a map cannot answer', async () => {
    for (const [q, what] of [
      ['What colour is the stain?', 'colour'],
      ['Why did this happen?', 'cause'],
      ['What kind of defect is it?', 'type'],
    ] as const) {
      const { text } = await follow(q);
      expect(text, q).toMatch(new RegExp(`^I cannot tell the ${what}`));
      expect(parseCells(text)).toEqual([]);
    }
  });

  it('prefers the answerable part of a question that names a defect type', async () => {
    expect(parseCells((await follow('Where is the scratch?')).text)[0]).toBe(5);
  });

  it('says what it can answer when it does not understand', async () => {
    expect((await follow('Tell a joke')).text).toMatch(/^I can only answer from the expert's anomaly map/);
  });
});

describe('ExpertNarrator instructions', () => {
  const anomaly = mapWithBlobs([{ cx: 0.5, cy: 0.5, rx: 0.1, ry: 0.1 }], 0.7);

  it('says once that it cannot apply a recipe instruction', async () => {
    const instructions = ['You can ignore the shadow cast'];
    const first = await ask(request(anomaly, null, { instructions }));
    expect(parsePolarity(first.text)).toBe('yes');
    expect(first.text).toContain('Noted instruction: "You can ignore the shadow cast"; the expert narrator cannot apply it.');
    const history: DialogTurn[] = [{ role: 'assistant', text: first.text }];
    const next = await ask(request(anomaly, 'How many?', { instructions, history }));
    expect(next.text).not.toContain('Noted instruction');
  });
});

describe('ExpertNarrator cancellation', () => {
  const anomaly = mapWithBlobs([{ cx: 0.5, cy: 0.5, rx: 0.1, ry: 0.1 }], 0.7);

  it('rejects with CANCELLED before the first token when already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const deltas: string[] = [];
    const err = await narrator.generate(request(anomaly), (d) => deltas.push(d), ac.signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('CANCELLED');
    expect(deltas).toEqual([]);
  });

  it('stops streaming when aborted from a timer mid-answer', async () => {
    const ac = new AbortController();
    const deltas: string[] = [];
    const run = narrator.generate(
      request(anomaly, 'Describe all defects'),
      (d) => {
        deltas.push(d);
        if (deltas.length === 3) setImmediate(() => ac.abort());
      },
      ac.signal,
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.length).toBeLessThan(6);
  });
});
