import { useCallback, useEffect, useRef, useState } from 'react';
import type { Events, ExpertOptions, GoldenSource, Params, RecipeDraft, RecipeDraftStarted, RecipeSummary, RoiShape, StationClient } from '../../../common/api';
import { toStationError } from '../transport/wire';

export type DraftProgress = Pick<Events['recipes.draftProgress'], 'stage' | 'done' | 'total'>;

export type DraftState =
  | { step: 'form' }
  | { step: 'fitting'; started: RecipeDraftStarted | null; progress: DraftProgress | null }
  | { step: 'fitted'; started: RecipeDraftStarted; draft: RecipeDraft }
  | { step: 'saving'; started: RecipeDraftStarted; draft: RecipeDraft };

export interface DraftApi {
  state: DraftState;
  /** `expertOptions`: the expert's options (the panel's Advanced section); undefined: its defaults. */
  fit(name: string, source: GoldenSource, expert: Params<'recipes.draft'>['expert'], roi?: RoiShape | null, expertOptions?: ExpertOptions): Promise<void>;
  /** Stops the fit or throws the fitted draft away. */
  cancel(): Promise<void>;
  save(): Promise<RecipeSummary | null>;
}

/**
 * One new recipe on its way: started on the host (recipes.draft), its fit followed through
 * `recipes.draftProgress` events, its calibration awaited (recipes.draftResult), then saved or
 * thrown away. Progress that arrives before the start's reply is kept by draft id.
 */
export function useRecipeDraft(client: StationClient, report: (err: unknown) => void): DraftApi {
  const [state, setState] = useState<DraftState>({ step: 'form' });
  const progress = useRef(new Map<string, DraftProgress>());
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      client.on('recipes.draftProgress', (p) => {
        progress.current.set(p.draftId, { stage: p.stage, done: p.done, total: p.total });
        if (p.draftId === current.current) setState((s) => (s.step === 'fitting' ? { ...s, progress: progress.current.get(p.draftId) ?? null } : s));
      }),
    [client],
  );

  const fit = useCallback(
    async (name: string, source: GoldenSource, expert: Params<'recipes.draft'>['expert'], roi: RoiShape | null = null, expertOptions?: ExpertOptions) => {
      setState({ step: 'fitting', started: null, progress: null });
      let started: RecipeDraftStarted;
      try {
        started = await client.call('recipes.draft', { name, source, expert, ...(roi ? { roi } : {}), ...(expertOptions ? { expertOptions } : {}) });
      } catch (err) {
        report(err);
        setState({ step: 'form' });
        return;
      }
      current.current = started.draftId;
      setState({ step: 'fitting', started, progress: progress.current.get(started.draftId) ?? null });
      try {
        const draft = await client.call('recipes.draftResult', { draftId: started.draftId });
        if (current.current === started.draftId) setState({ step: 'fitted', started, draft });
      } catch (err) {
        if (toStationError(err).code !== 'CANCELLED') report(err);
        if (current.current === started.draftId) {
          current.current = null;
          setState({ step: 'form' });
          // A failed fit leaves a finished draft on the host: drop it.
          client.call('recipes.draftCancel', { draftId: started.draftId }).catch(() => undefined);
        }
      }
    },
    [client, report],
  );

  const cancel = useCallback(async () => {
    const id = current.current;
    current.current = null;
    setState({ step: 'form' });
    if (id !== null) await client.call('recipes.draftCancel', { draftId: id }).catch(report);
  }, [client, report]);

  const save = useCallback(async () => {
    if (state.step !== 'fitted') return null;
    setState({ step: 'saving', started: state.started, draft: state.draft });
    try {
      const saved = await client.call('recipes.draftSave', { draftId: state.started.draftId });
      current.current = null;
      setState({ step: 'form' });
      return saved;
    } catch (err) {
      report(err);
      setState({ step: 'fitted', started: state.started, draft: state.draft });
      return null;
    }
  }, [client, report, state]);

  return { state, fit, cancel, save };
}
