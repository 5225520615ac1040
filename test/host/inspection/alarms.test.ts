import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmRaised, AuditEntryInfo, Events, RecipeDetail, Results } from '../../../common/api';
import type { Station } from '../../../host/station';
import { stationWithUsers } from '../accounts/users-fixture';
import { partPng } from '../fixtures/images';

/**
 * The station alarm on a real station (the tiny mean-image expert, real SQLite): the recipe's
 * setting is a new audited version an engineer makes, FAIL raises the `alarm` event only when the
 * setting asks for it, and the acknowledgement is an audit row naming who and which inspection.
 */
let station: Station;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ station, cleanup } = await stationWithUsers());
});
afterEach(async () => cleanup());

function upload(png: Buffer) {
  return { kind: 'upload' as const, mime: 'image/png' as const, base64: png.toString('base64') };
}

function collect<E extends keyof Events>(event: E): Array<Events[E]> {
  const seen: Array<Events[E]> = [];
  station.on(event, (p) => seen.push(p));
  return seen;
}

async function inspectDefective(): Promise<Results['inspect']> {
  const r = (await station.call('inspect', { recipe: 'bracket', frame: upload(await partPng(3, { x: 40, y: 4 })) })) as Results['inspect'];
  expect(r.verdict).toBe('fail');
  return r;
}

async function auditOf(action: string): Promise<AuditEntryInfo[]> {
  const all = (await station.call('audit.list', { limit: 1000 }, { user: 'supervisor1' })) as AuditEntryInfo[];
  return all.filter((e) => e.action === action);
}

describe('recipes.setAlarm', () => {
  it('is a new version carrying the setting, audited with before and after; refits keep it', async () => {
    const before = (await station.call('recipes.get', { recipe: 'bracket' })) as RecipeDetail;
    expect(before.alarm).toEqual({ enabled: true, sound: true, review: false });
    const set = await station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: true, sound: false, review: true } }, { user: 'engineer1' });
    expect(set).toEqual({ recipe: 'bracket', version: before.summary.version + 1, alarm: { enabled: true, sound: false, review: true } });
    const after = (await station.call('recipes.get', { recipe: 'bracket' })) as RecipeDetail;
    expect(after.alarm).toEqual({ enabled: true, sound: false, review: true });
    const audit = await auditOf('recipe.alarm');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: 'engineer1',
      subject: `bracket@${before.summary.version + 1}`,
      details: { from: { enabled: true, sound: true, review: false }, to: { enabled: true, sound: false, review: true } },
    });
    // A threshold change and a golden-set refit make versions of their own; the alarm setting stays.
    await station.call('recipes.setBand', { recipe: 'bracket', band: { t1: 0.5, t2: 1.5 } }, { user: 'engineer1' });
    const good = (await station.call('inspect', { recipe: 'bracket', frame: upload(await partPng(7)) })) as Results['inspect'];
    await station.testInternals.recipes.addGoldenSample('bracket', good.imageSha256, 'engineer1');
    expect(((await station.call('recipes.get', { recipe: 'bracket' })) as RecipeDetail).alarm).toEqual({ enabled: true, sound: false, review: true });
  });

  it('is refused to operators and supervisors, and for bad or unchanged settings, with nothing recorded', async () => {
    for (const user of ['operator1', 'supervisor1']) {
      await expect(
        station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: false, sound: false, review: false } }, { user }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('an engineer') });
    }
    await expect(
      station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: 'no', sound: false, review: false } }, { user: 'engineer1' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('alarm.enabled') });
    await expect(
      station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: true, sound: true } }, { user: 'engineer1' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('alarm.review') });
    await expect(
      station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: true, sound: true, review: false } }, { user: 'engineer1' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('already has this alarm setting') });
    await expect(
      station.call('recipes.setAlarm', { recipe: 'nope', alarm: { enabled: false, sound: true, review: false } }, { user: 'engineer1' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(((await station.call('recipes.get', { recipe: 'bracket' })) as RecipeDetail).summary.version).toBe(1);
    expect(await auditOf('recipe.alarm')).toEqual([]);
  });
});

describe('the alarm event', () => {
  it('comes on FAIL with the inspection id, not on PASS; acknowledging records who and clears it', async () => {
    const raised = collect('alarm');
    const cleared = collect('alarm.cleared');
    const good = (await station.call('inspect', { recipe: 'bracket', frame: upload(await partPng(2)) })) as Results['inspect'];
    expect(good.verdict).toBe('pass');
    expect(raised).toEqual([]);
    const bad = await inspectDefective();
    expect(raised).toEqual([
      { inspectionId: bad.id, recipe: 'bracket', recipeVersion: bad.recipeVersion, verdict: 'fail', sound: true, raisedAt: expect.any(String) } satisfies AlarmRaised,
    ]);
    expect(await station.call('alarm.pending', {})).toEqual(raised);

    const ack = await station.call('alarm.acknowledge', { inspectionId: bad.id }, { user: 'operator1' });
    expect(ack).toMatchObject({ inspectionId: bad.id, acknowledgedBy: 'operator1' });
    expect(cleared).toEqual([ack]);
    expect(await station.call('alarm.pending', {})).toEqual([]);
    const audit = await auditOf('alarm.acknowledge');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'operator1', subject: bad.id, details: { recipe: 'bracket', verdict: 'fail' } });
    // Once acknowledged there is nothing left to acknowledge; an inspection that never alarmed has nothing either.
    await expect(station.call('alarm.acknowledge', { inspectionId: bad.id }, { user: 'operator1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(station.call('alarm.acknowledge', { inspectionId: good.id }, { user: 'operator1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await auditOf('alarm.acknowledge')).toHaveLength(1);
  });

  it('stays silent when the recipe turns it off, and follows the sound and REVIEW settings', async () => {
    const raised = collect('alarm');
    await station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: false, sound: true, review: true } }, { user: 'engineer1' });
    await inspectDefective();
    expect(raised).toEqual([]);
    expect(await station.call('alarm.pending', {})).toEqual([]);

    // A good part scores between T1 and T2 of this band: REVIEW alarms only when the setting says so.
    await station.call('recipes.setBand', { recipe: 'bracket', band: { t1: 0, t2: 10 } }, { user: 'engineer1' });
    const inspectReview = async () => {
      const r = (await station.call('inspect', { recipe: 'bracket', frame: upload(await partPng(2)) })) as Results['inspect'];
      expect(r.verdict).toBe('review');
      return r;
    };
    await inspectReview();
    await station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: true, sound: false, review: false } }, { user: 'engineer1' });
    await inspectReview();
    expect(raised).toEqual([]);
    await station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: true, sound: false, review: true } }, { user: 'engineer1' });
    const review = await inspectReview();
    expect(raised.map((a) => [a.inspectionId, a.verdict, a.sound])).toEqual([[review.id, 'review', false]]);
  });
});
