import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Events, Results } from '../../../common/api';
import type { DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { dataLayout } from '../../../host/paths';
import { openStation, type Station } from '../../../host/station';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { nextTurnEvent } from '../../support/station-events';

/** Opens every first answer with `opening`: "No" on a defective part contradicts the expert's FAIL. */
class FixedOpening implements DialogModel {
  readonly name = 'fixed';
  readonly version = '1';
  opening: 'Yes' | 'No' = 'No';
  async generate(req: DialogRequest, onToken: (d: string) => void) {
    const text = req.question === null ? `${this.opening}, as seen on the ${req.product}.` : 'It is small.';
    onToken(text);
    return { text, firstTokenMs: 1, totalMs: 1, tokens: 1 };
  }
}

const HOUR = 3600_000;
let dir: string;
let station: Station;
let model: FixedOpening;
/** Added to the station's clock: 12 hours moves it into the other shift. */
let ahead = 0;
/** The 1-based number of the shift called Now, in the order the day's shifts start. */
let nowNumber = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shift-counters-'));
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  // Two 12-hour shifts placed so that now is six hours into one of them, whatever the time the test
  // runs at: no part lands on the other side of a shift change while the test runs.
  const hour = new Date().getHours();
  nowNumber = (hour + 18) % 24 < (hour + 6) % 24 ? 1 : 2;
  await writeFile(
    dataLayout(dataDir).shifts,
    JSON.stringify([
      { name: 'Now', startHour: (hour + 18) % 24 },
      { name: 'Other', startHour: (hour + 6) % 24 },
    ]),
  );
  model = new FixedOpening();
  station = await openStation({ dataDir, device: 'cpu', experts: meanImageBackend, dialogModel: model, clock: () => Date.now() + ahead });
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
}, 120_000);

afterAll(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

/** Inspects a part (a bright square makes the expert say FAIL) and waits until its first answer is recorded. */
async function inspect(defect: boolean): Promise<Events['dialog.done']> {
  const png = await partPng(defect ? 5 : 1, defect ? { x: 2, y: 2 } : null);
  const inspected = (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
  return nextTurnEvent(station, 'dialog.done', inspected.answerTurnId);
}

const counters = () => station.call('shift.counters', {}) as Promise<Results['shift.counters']>;

describe('shift.counters', () => {
  it('counts the verdict in force of the shift in progress: a part flagged to REVIEW counts as review until a reviewer decides it', async () => {
    const empty = await counters();
    expect(empty).toMatchObject({ parts: 0, pass: 0, fail: 0, review: 0, decided: 0, yield: null, shift: { name: 'Now', number: nowNumber } });
    expect(Date.parse(empty.shift.start)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(empty.shift.end)).toBeGreaterThan(Date.now());
    expect(empty.shift.label).toMatch(/^\d{4}-\d\d-\d\d Now$/);

    model.opening = 'No';
    expect((await inspect(false)).flag).toBeUndefined(); // PASS, and the answer agrees
    const flagged = await inspect(true); // the expert's FAIL, contradicted: REVIEW
    expect(flagged.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'review' });
    model.opening = 'Yes';
    expect((await inspect(true)).flag).toBeUndefined(); // FAIL, and the answer agrees
    expect(await inspect(false)).toMatchObject({ flag: { verdictBefore: 'pass', verdict: 'review' } });

    expect(await counters()).toMatchObject({ parts: 4, pass: 1, fail: 1, review: 2, decided: 0, yield: 0.25 });

    const decided = new Promise<Events['review.decided']>((resolve) => {
      const off = station.on('review.decided', (p) => {
        off();
        resolve(p);
      });
    });
    await station.call('review.decide', { inspectionId: flagged.inspectionId, decision: 'good', reason: 'a reflection' });
    expect(await decided).toEqual({ inspectionId: flagged.inspectionId, decision: 'good' });
    expect(await counters()).toMatchObject({ parts: 4, pass: 1, fail: 1, review: 1, decided: 1, yield: 0.25 });
  }, 60_000);

  it("counts only the current shift's parts: twelve hours on, the parts above belong to the shift before", async () => {
    const before = await counters();
    ahead = 12 * HOUR;
    try {
      const later = await counters();
      expect(later).toMatchObject({ parts: 0, pass: 0, fail: 0, review: 0, decided: 0, yield: null, shift: { name: 'Other', number: 3 - nowNumber } });
      expect(later.shift.start).toBe(before.shift.end);
      ahead = 24 * HOUR;
      expect(await counters()).toMatchObject({ parts: 0, shift: { name: 'Now', start: new Date(Date.parse(before.shift.start) + 24 * HOUR).toISOString() } });
    } finally {
      ahead = 0;
    }
    expect((await counters()).parts).toBe(4);
  });
});
