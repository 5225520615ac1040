import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectionRecord, Results } from '../../../common/api';
import { verifyAuditChain } from '../../../db/repositories/audit-log';
import type { Station } from '../../../host/station';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';
import { partPng } from '../fixtures/images';

/**
 * Adding to the golden set is an engineer's decision: an operator's "good, add to the golden set"
 * is a proposal that leaves the recipe alone until an engineer confirms it (the refit) or rejects it.
 * Through station.call, on a real SQLite file with the tiny real expert of test/host/fixtures.
 */
let station: Station;
let cleanup: () => Promise<void>;
let flagged: InspectionRecord;

beforeEach(async () => {
  ({ station, cleanup } = await stationWithUsers());
  flagged = await inspect(99);
  expect(flagged.verdict).not.toBe('pass');
});
afterEach(async () => cleanup());

async function inspect(seed: number): Promise<InspectionRecord> {
  const out = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(seed, { x: 20, y: 20 }), ext: '.png' }, { operator: 'olga' });
  await out.answerDone;
  return out.record;
}

async function login(name: string, password: string): Promise<string> {
  return ((await station.call('auth.login', { name, password })) as Results['auth.login']).token;
}

/** The newest version of the recipe and its golden count, as the database has them. */
function recipeState(): { version: number; golden: number } {
  return station['db']
    .prepare(
      `SELECT r.version, (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS golden
       FROM recipes r WHERE r.name = 'bracket' ORDER BY r.version DESC LIMIT 1`,
    )
    .get() as { version: number; golden: number };
}

function audit(action: string): Array<{ actor: string; subject: string; details: Record<string, unknown> }> {
  const rows = station['db'].prepare('SELECT actor, subject, details_json FROM audit_log WHERE action = ? ORDER BY seq').all(action) as Array<{
    actor: string;
    subject: string;
    details_json: string;
  }>;
  return rows.map((r) => ({ actor: r.actor, subject: r.subject, details: JSON.parse(r.details_json) as Record<string, unknown> }));
}

async function proposals(): Promise<Results['golden.proposals']> {
  return (await station.call('golden.proposals', { recipe: 'bracket', limit: 50 })) as Results['golden.proposals'];
}

async function operatorProposes(inspection: InspectionRecord = flagged): Promise<Results['review.decide']> {
  return (await station.call('review.decide', { inspectionId: inspection.id, decision: 'good', reason: 'reflection', addToGolden: true })) as Results['review.decide'];
}

describe("the anonymous operator's good + addToGolden", () => {
  it('records the decision and a pending proposal; the recipe keeps its version and golden set', async () => {
    const before = recipeState();
    const out = await operatorProposes();
    expect(recipeState()).toEqual(before);
    expect(out.newRecipeVersion).toBeNull();
    expect(out.review).toMatchObject({ decision: 'good', addToGolden: true, reviewer: 'operator' });
    expect(out.goldenProposal).toMatchObject({ status: 'pending', proposedBy: 'operator', inspectionId: flagged.id, reviewId: out.review.id });

    const page = await proposals();
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      id: out.goldenProposal?.id,
      recipe: 'bracket',
      imageSha256: flagged.imageSha256,
      score: flagged.score,
      verdict: flagged.verdict,
      inspectedVersion: before.version,
      proposedBy: 'operator',
      reason: 'reflection',
      decidedBy: null,
    });
    // The part has its decision: it leaves the review queue, and later parts still use the old version.
    expect(((await station.call('review.queue', { limit: 10 })) as Results['review.queue']).total).toBe(0);
    expect((await inspect(5)).recipeVersion).toBe(before.version);
    expect(audit('golden.propose')).toEqual([
      { actor: 'operator', subject: out.goldenProposal?.id, details: expect.objectContaining({ recipe: 'bracket', inspectionId: flagged.id, reviewId: out.review.id }) },
    ]);
    expect(audit('recipe.golden-add')).toEqual([]);
  });

  it('a second part with the same image joins the pending proposal instead of queueing it twice', async () => {
    const first = await operatorProposes();
    const again = await inspect(99);
    const second = await operatorProposes(again);
    expect(second.goldenProposal?.id).toBe(first.goldenProposal?.id);
    expect((await proposals()).total).toBe(1);
  });
});

describe('an engineer confirms or rejects', () => {
  it('confirm refits the recipe (version + 1, golden + 1) with an audit row naming proposer and confirmer', async () => {
    const before = recipeState();
    const proposal = (await operatorProposes()).goldenProposal;
    const engineer = await login('engineer1', PASSWORDS.engineer);
    const out = (await station.call('golden.confirm', { id: proposal?.id }, { session: engineer })) as Results['golden.confirm'];

    expect(recipeState()).toEqual({ version: before.version + 1, golden: before.golden + 1 });
    expect(out.recipe).toMatchObject({ name: 'bracket', version: before.version + 1, goldenCount: before.golden + 1 });
    expect(out.proposal).toMatchObject({ status: 'confirmed', proposedBy: 'operator', decidedBy: 'engineer1', newRecipeVersion: before.version + 1 });
    const detail = (await station.call('recipes.get', { recipe: 'bracket' })) as Results['recipes.get'];
    expect(detail.golden.map((g) => g.sha256)).toContain(flagged.imageSha256);
    expect((await inspect(5)).recipeVersion).toBe(before.version + 1);
    expect((await proposals()).total).toBe(0);

    expect(audit('golden.confirm')).toEqual([
      {
        actor: 'engineer1',
        subject: proposal?.id,
        details: expect.objectContaining({ proposedBy: 'operator', confirmedBy: 'engineer1', version: before.version + 1, image: flagged.imageSha256 }),
      },
    ]);
    expect(audit('recipe.golden-add')).toEqual([
      { actor: 'engineer1', subject: `bracket@${before.version + 1}`, details: expect.objectContaining({ proposedBy: 'operator' }) },
    ]);
    expect(verifyAuditChain(station['db'])).toBeNull();
    // Confirmed once: a second confirmation is refused and makes no version.
    await expect(station.call('golden.confirm', { id: proposal?.id }, { session: engineer })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('already confirmed by engineer1'),
    });
    expect(recipeState().version).toBe(before.version + 1);
  });

  it('reject leaves the recipe alone, ends the proposal and audits proposer and engineer', async () => {
    const before = recipeState();
    const proposal = (await operatorProposes()).goldenProposal;
    const admin = await login('admin1', PASSWORDS.admin);
    const out = (await station.call('golden.reject', { id: proposal?.id, reason: 'glare, not a good part' }, { session: admin })) as Results['golden.reject'];
    expect(out).toMatchObject({ status: 'rejected', decidedBy: 'admin1', decisionReason: 'glare, not a good part', newRecipeVersion: null });
    expect(recipeState()).toEqual(before);
    expect((await proposals()).total).toBe(0);
    expect(audit('golden.reject')).toEqual([
      { actor: 'admin1', subject: proposal?.id, details: expect.objectContaining({ proposedBy: 'operator', rejectedBy: 'admin1', reason: 'glare, not a good part' }) },
    ]);
    await expect(station.call('golden.confirm', { id: proposal?.id }, { session: admin })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(recipeState()).toEqual(before);
  });

  it('two confirmations started together both land: the second refit includes the first image', async () => {
    const before = recipeState();
    const a = (await operatorProposes()).goldenProposal;
    const other = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(98, { x: 40, y: 8 }), ext: '.png' }, { operator: 'olga' });
    await other.answerDone;
    const b = (await operatorProposes(other.record)).goldenProposal;
    const engineer = await login('engineer1', PASSWORDS.engineer);
    await Promise.all([a, b].map((p) => station.call('golden.confirm', { id: p?.id }, { session: engineer })));
    expect(recipeState()).toEqual({ version: before.version + 2, golden: before.golden + 2 });
  });

  it('refuses unknown proposals and extra fields', async () => {
    const engineer = await login('engineer1', PASSWORDS.engineer);
    await expect(station.call('golden.confirm', { id: 'nope' }, { session: engineer })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(station.call('golden.reject', { id: 'nope', reason: '', force: true }, { session: engineer })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('unexpected field force'),
    });
    await expect(station.call('golden.proposals', { recipe: 'nope', limit: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('who may confirm', () => {
  it('an operator (anonymous or signed in) and a supervisor get FORBIDDEN and change nothing', async () => {
    const before = recipeState();
    const proposal = (await operatorProposes()).goldenProposal;
    const id = proposal?.id;
    await expect(station.call('golden.confirm', { id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'golden.confirm needs an engineer; your role is operator',
    });
    await expect(station.call('golden.reject', { id, reason: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const operator = await login('operator1', PASSWORDS.operator);
    await expect(station.call('golden.confirm', { id }, { session: operator })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const supervisor = await login('supervisor1', PASSWORDS.supervisor);
    await expect(station.call('golden.confirm', { id }, { session: supervisor })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(recipeState()).toEqual(before);
    expect((await proposals()).items.map((p) => p.status)).toEqual(['pending']);
  });

  it("an engineer's own good + addToGolden is proposal and confirmation at once, and confirms an operator's pending one", async () => {
    const before = recipeState();
    const operatorProposal = (await operatorProposes()).goldenProposal;
    const again = await inspect(99);
    const engineer = await login('engineer1', PASSWORDS.engineer);
    const out = (await station.call('review.decide', { inspectionId: again.id, decision: 'good', reason: 'fine', addToGolden: true }, { session: engineer })) as Results['review.decide'];
    expect(out.newRecipeVersion).toBe(before.version + 1);
    expect(recipeState()).toEqual({ version: before.version + 1, golden: before.golden + 1 });
    expect(out.goldenProposal).toMatchObject({ id: operatorProposal?.id, status: 'confirmed', proposedBy: 'operator', decidedBy: 'engineer1' });
    expect(audit('golden.confirm').map((a) => [a.actor, a.details.proposedBy, a.details.confirmedBy])).toEqual([['engineer1', 'operator', 'engineer1']]);

    // With nothing pending, the engineer is proposer and confirmer.
    const fresh = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(97, { x: 30, y: 30 }), ext: '.png' }, { operator: 'olga' });
    await fresh.answerDone;
    const own = (await station.call('review.decide', { inspectionId: fresh.record.id, decision: 'good', reason: '', addToGolden: true }, { session: engineer })) as Results['review.decide'];
    expect(own.goldenProposal).toMatchObject({ status: 'confirmed', proposedBy: 'engineer1', decidedBy: 'engineer1', newRecipeVersion: before.version + 2 });
    expect(audit('golden.propose').at(-1)).toMatchObject({ actor: 'engineer1', subject: own.goldenProposal?.id });
  });

  it('a later decision on the part withdraws its pending proposal, so it can no longer be confirmed', async () => {
    const proposal = (await operatorProposes()).goldenProposal;
    await station.call('review.decide', { inspectionId: flagged.id, decision: 'defect', defectType: 'dent', reason: 'looked again' }, { user: 'rita' });
    expect((await proposals()).total).toBe(0);
    expect(audit('golden.withdraw')).toEqual([
      { actor: 'rita', subject: proposal?.id, details: expect.objectContaining({ proposedBy: 'operator', withdrawnBy: 'rita' }) },
    ]);
    const engineer = await login('engineer1', PASSWORDS.engineer);
    await expect(station.call('golden.confirm', { id: proposal?.id }, { session: engineer })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('already withdrawn by rita'),
    });
  });

  it('an image already in the golden set is refused at once and nothing is recorded', async () => {
    const golden = (await station.call('recipes.get', { recipe: 'bracket' })) as Results['recipes.get'];
    const goldenImage = golden.golden[0]?.sha256 as string;
    // A part whose image is a golden sample: inspected from the stored image itself.
    const again = await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: goldenImage } });
    const id = (again as Results['inspect']).id;
    await expect(station.call('review.decide', { inspectionId: id, decision: 'good', reason: '', addToGolden: true })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('already in the golden set'),
    });
    expect(station['db'].prepare('SELECT COUNT(*) AS n FROM reviews WHERE inspection_id = ?').get(id)).toEqual({ n: 0 });
    expect((await proposals()).total).toBe(0);
  });
});
