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

  it('at the backlog limit lets the oldest go on one at a time despite verdicts, and holds new inspections until there is room', async () => {
    const vf = new VerdictFirst(2);
    const out = vf.claim();
    const [a, b, c] = [vf.description(signal()), vf.description(signal()), vf.description(signal())];
    const woke: string[] = [];
    const tick = () => new Promise((r) => setImmediate(r));
    void a.turn()?.then(() => woke.push('a'));
    expect(vf.room()).toBeNull();
    void b.turn()?.then(() => woke.push('b'));
    await tick();
    expect(woke).toEqual(['a']);
    let roomy = false;
    void vf.room()?.then(() => (roomy = true));
    expect(a.turn()).toBeNull();
    void c.turn()?.then(() => woke.push('c'));
    await tick();
    expect(woke).toEqual(['a']);
    a.end();
    await tick();
    expect([woke, roomy]).toEqual([['a', 'b'], false]);
    b.end();
    await tick();
    // below the limit again: c waits for the verdict like any description
    expect([woke, roomy]).toEqual([['a', 'b'], true]);
    out();
    await tick();
    expect(woke).toEqual(['a', 'b', 'c']);
  });

  it('frees a waiter whose answer is cancelled', async () => {
    const controller = new AbortController();
    const other = new VerdictFirst();
    other.claim();
    const cancelled = other.description(controller.signal).turn();
    expect(cancelled).not.toBeNull();
    controller.abort();
    await expect(cancelled).resolves.toBeUndefined();
  });
});
