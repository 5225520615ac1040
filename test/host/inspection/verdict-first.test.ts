import { describe, expect, it } from 'vitest';
import { VerdictFirst } from '../../../host/inspection/verdict-first';

const signal = () => new AbortController().signal;

describe('VerdictFirst', () => {
  it('lets a description go on while no verdict is on its way, and pauses it while one is', () => {
    const vf = new VerdictFirst();
    const a = vf.description(signal());
    expect(a.turn()).toBeNull();
    const out = vf.claim();
    expect(a.turn()).not.toBeNull();
    out();
    out();
    expect(vf.pending).toBe(0);
  });

  it('wakes waiting descriptions one at a time, oldest first, once the verdicts are out', async () => {
    const vf = new VerdictFirst();
    const a = vf.description(signal());
    const b = vf.description(signal());
    const out = vf.claim();
    const woke: string[] = [];
    void a.turn()?.then(() => woke.push('a'));
    void b.turn()?.then(() => woke.push('b'));
    out();
    await Promise.resolve();
    await Promise.resolve();
    expect(woke).toEqual(['a']);
    // a goes on; b waits until a is over
    expect(a.turn()).toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(woke).toEqual(['a']);
    a.end();
    await new Promise((r) => setImmediate(r));
    expect(woke).toEqual(['a', 'b']);
  });

  it('lets a description past the waiting limit run, and frees a waiter whose answer is cancelled', async () => {
    const vf = new VerdictFirst(1);
    vf.claim();
    const first = vf.description(signal());
    expect(first.turn()).not.toBeNull();
    expect(vf.description(signal()).turn()).toBeNull();
    const controller = new AbortController();
    const other = new VerdictFirst();
    other.claim();
    const cancelled = other.description(controller.signal).turn();
    expect(cancelled).not.toBeNull();
    controller.abort();
    await expect(cancelled).resolves.toBeUndefined();
  });
});
