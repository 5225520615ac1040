import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import type { StationLineState } from '../../../host/line/line-adapter';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { RecordingAdapter } from './recording-adapter';
import { untilWithin } from '../../support/until';

/** What the adapters are told of the station's state around a trigger. */
class StateRecorder extends RecordingAdapter {
  readonly states: StationLineState[] = [];
  override stationState(state: StationLineState): void {
    this.states.push(state);
  }
}

const until = untilWithin(30_000);
let dir: string;
let station: Station | undefined;

afterEach(async () => {
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('the station state on the line', () => {
  it('is told once per trigger, after the part has started rather than before it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'line-state-'));
    await writeGoldenFolder(join(dir, 'cam'), 3);
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(
      join(dir, 'data', 'line.json'),
      JSON.stringify({ ...DEFAULT_LINE_SETTINGS, mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true }, cameraSource: `folder:${join(dir, 'cam')}` }),
    );
    const adapter = new StateRecorder();
    station = await openStationWithRecipe(
      { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineAdapters: { mqtt: () => adapter }, lineLog: () => undefined },
      { name: 'bracket', workDir: dir, goldenCount: 5 },
    );
    const line = station.testInternals.line;
    await line.selectRecipe('bracket');
    await until('the first state', () => adapter.states.length > 0);
    adapter.states.length = 0;

    const accepted = line.enqueue({ partId: 'P-1' }, 'mqtt', 'line');
    // The trigger is in and its part under way, but the adapters have not been told yet: that
    // waits until the code running now is done, so it does not hold up the part's frame read.
    expect(adapter.states).toEqual([]);
    await accepted;
    // The queue turning busy and the trigger's own change are one message.
    expect(adapter.states).toEqual(['busy']);
    await until('the verdict', () => adapter.got.some((m) => m.kind === 'verdict'));
    await until('ready again', () => adapter.states[adapter.states.length - 1] === 'ready');
    expect(adapter.states.filter((s) => s === 'busy')).toHaveLength(1);
  });
});
