import { useCallback, useEffect, useRef, useState } from 'react';
import type { InspectionRecord, InspectionSummary, Instruction, RecipeSummary, StationClient, StationStatus } from '../../common/api';
import { StationError } from '../../common/errors';
import { recordedDecision } from '../../common/verdict-policy';
import { CameraPanel } from './components/CameraPanel';
import { DialogPanel } from './components/DialogPanel';
import { ErrorBanners } from './components/ErrorBanners';
import { InstructionsPanel } from './components/InstructionsPanel';
import { RecentStrip } from './components/RecentStrip';
import { ShiftStrip } from './components/ShiftStrip';
import { ResultPanel } from './components/ResultPanel';
import { TopBar } from './components/TopBar';
import { useCamera } from './hooks/useCamera';
import { useDialog } from './hooks/useDialog';
import { useErrors } from './hooks/useErrors';
import { useInstructionRoom } from './hooks/useInstructionRoom';
import { useShiftCounters } from './hooks/useShiftCounters';
import { useLineWebcam } from './hooks/useLineWebcam';
import { useWindowKeydown } from './hooks/useWindowKeydown';
import type { ConnectionState } from './transport/ws-client';
import { isTypingTarget } from './components/typing-target';
import { useT } from './i18n/I18nProvider';

export interface Defaults {
  recipe: string | null;
  camera: string | null;
}

interface Props {
  client: StationClient;
  connection: ConnectionState;
  defaults: Defaults;
}

const RECENT_LIMIT = 16;

/** Space or Enter captures, except while typing or operating another control. */
function isCaptureKey(e: KeyboardEvent): boolean {
  if (e.key !== ' ' && e.key !== 'Enter') return false;
  if (e.repeat || e.ctrlKey || e.altKey || e.metaKey) return false;
  // A focused button takes Space and Enter itself (it would capture twice).
  return !isTypingTarget(e.target) && !(e.target instanceof HTMLButtonElement);
}

export function InspectScreen({ client, connection, defaults }: Props) {
  const { errors, report, dismiss, clear } = useErrors();
  const { t } = useT();
  const video = useRef<HTMLVideoElement>(null);
  // The camera's errors are about the source in use: opening a working one takes them away.
  const reportCamera = (err: unknown) => report(err, 'camera');
  const camera = useCamera(client, video, reportCamera, () => clear('camera'));
  const dialog = useDialog(client);
  const [status, setStatus] = useState<StationStatus | null>(null);
  const [recipes, setRecipes] = useState<RecipeSummary[]>([]);
  const [recipe, setRecipe] = useState<string | null>(defaults.recipe);
  const [instructions, setInstructions] = useState<Instruction[]>([]);
  const [draft, setDraft] = useState('');
  const room = useInstructionRoom(client, recipe, instructions.map((i) => i.id).join(','), draft, report);
  const [record, setRecord] = useState<InspectionRecord | null>(null);
  const [recent, setRecent] = useState<InspectionSummary[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const openedDefaultCamera = useRef(false);
  const online = connection === 'open';
  const { counters: shiftCounters, refresh: refreshShift } = useShiftCounters(client, online, report);
  useLineWebcam(client, camera.stream, online, camera.grab, reportCamera);

  const refreshRecent = useCallback(() => {
    client.call('inspections.recent', { limit: RECENT_LIMIT }).then(setRecent, report);
  }, [client, report]);

  useEffect(() => {
    if (connection !== 'open') return;
    client.call('status.get', {}).then((s) => {
      setStatus(s);
      setWarnings((w) => [...new Set([...w, ...s.warnings, ...(s.device.warning ? [s.device.warning] : [])])]);
    }, report);
    client.call('recipes.list', {}).then((list) => {
      setRecipes(list);
      setRecipe((cur) => (cur !== null && list.some((r) => r.name === cur) ? cur : (list[0]?.name ?? null)));
    }, report);
    refreshRecent();
  }, [client, connection, report, refreshRecent]);

  useEffect(() => client.on('host.warning', (p) => setWarnings((w) => [...new Set([...w, p.message])])), [client]);

  // A first answer that contradicts the verdict sends the part to REVIEW (or, under the recipe's
  // 'model' policy, gives it the model's verdict): the banner follows at once, with the expert's
  // and Myriad's verdicts when they differ.
  useEffect(
    () =>
      client.on('dialog.done', (p) => {
        const flag = p.flag;
        setRecord((r) => {
          if (!r || r.id !== p.inspectionId) return r;
          const flags = flag ? [...r.flags, flag] : r.flags;
          // The first answer recorded states Myriad's verdict; later ones leave it alone.
          const decision = r.modelVerdict === null && p.turn.role === 'assistant' ? recordedDecision(r.expertVerdict, [p.turn], flags) : {};
          return { ...r, ...decision, verdict: flag?.verdict ?? r.verdict, flags };
        });
        if (flag) refreshRecent();
      }),
    [client, refreshRecent],
  );

  useEffect(() => {
    if (connection !== 'open' || openedDefaultCamera.current || !defaults.camera) return;
    openedDefaultCamera.current = true;
    void camera.select(defaults.camera);
  }, [connection, defaults.camera, camera]);

  useEffect(() => {
    if (recipe === null) return setInstructions([]);
    // Offline, the list stays as it was and the panel says the host is away.
    if (connection !== 'open') return;
    client.call('instructions.list', { recipe }).then(setInstructions, report);
  }, [client, recipe, connection, report]);

  useEffect(() => {
    if (recipe === null || connection !== 'open') return;
    // Warm the selected recipe (its expert, the dialog model's golden check) now, so the first part
    // inspected is not the one that waits for them.
    client.call('recipes.prepare', { recipe }).catch(report);
  }, [client, recipe, connection, report]);

  const capture = useCallback(async () => {
    // At the end of a folder the camera panel says so and offers a restart: Space does nothing there.
    if (busy || !online || (camera.frame?.exhausted && camera.stream === null)) return;
    if (recipe === null) return report(new StationError('NOT_FOUND', t('inspect.noRecipe')));
    setBusy(true);
    try {
      const frame = await camera.grab();
      const { answerTurnId, ...inspected } = await client.call('inspect', { recipe, frame });
      setRecord(inspected);
      dialog.show(inspected, answerTurnId);
      refreshRecent();
      refreshShift();
      await camera.advance();
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  }, [busy, online, recipe, camera, client, dialog, refreshRecent, refreshShift, report, t]);

  useWindowKeydown((e) => {
    if (!isCaptureKey(e)) return;
    e.preventDefault();
    void capture();
  });

  const ask = useCallback(
    async (question: string) => {
      if (!dialog.inspectionId) return false;
      try {
        const res = await client.call('dialog.ask', { inspectionId: dialog.inspectionId, question });
        dialog.asked(res.question, res.turnId);
        return true;
      } catch (err) {
        report(err);
        return false;
      }
    },
    [client, dialog, report],
  );

  const addInstruction = useCallback(
    async (text: string) => {
      if (recipe === null) return false;
      try {
        const added = await client.call('instructions.add', { recipe, text });
        setInstructions((list) => [...list.filter((i) => i.id !== added.id), added]);
        return true;
      } catch (err) {
        report(err);
        return false;
      }
    },
    [client, recipe, report],
  );

  const removeInstruction = useCallback(
    (id: string) => {
      client.call('instructions.remove', { id }).then(() => setInstructions((list) => list.filter((i) => i.id !== id)), report);
    },
    [client, report],
  );

  const openRecent = useCallback(
    (id: string) => {
      client.call('inspections.get', { id }).then((r) => {
        setRecord(r);
        dialog.show(r, null);
      }, report);
    },
    [client, dialog, report],
  );

  return (
    <div className="app">
      <TopBar status={status} recipes={recipes} recipe={recipe} onRecipe={setRecipe} connection={connection} />
      {warnings.length > 0 && (
        <div className="warnings">
          {warnings.map((w) => (
            <div key={w} className="warning-banner" data-testid="warning-banner">
              {w}
            </div>
          ))}
        </div>
      )}
      <ErrorBanners errors={errors} onDismiss={dismiss} />
      <main className="inspect">
        <CameraPanel client={client} camera={camera} video={video} online={online}
          canCapture={online && recipe !== null && ((camera.frame !== null && !camera.frame.exhausted) || camera.stream !== null)} busy={busy} onCapture={() => void capture()} />
        <ResultPanel client={client} record={record} busy={busy} roiSha256={recipes.find((r) => r.name === record?.recipe)?.roi?.sha256 ?? null} onError={report} />
        <div className="side">
          <DialogPanel
            turns={dialog.turns}
            enabled={dialog.inspectionId !== null}
            streaming={dialog.streamingTurn}
            onAsk={ask}
            onCancel={(turnId) => client.call('dialog.cancel', { turnId }).catch(report)}
          />
          <InstructionsPanel
            recipe={recipe}
            online={online}
            instructions={instructions}
            room={room}
            onDraft={setDraft}
            onAdd={addInstruction}
            onRemove={removeInstruction}
          />
        </div>
      </main>
      <ShiftStrip counters={shiftCounters} />
      <RecentStrip client={client} online={online} items={recent} currentId={record?.id ?? null} onOpen={openRecent} />
    </div>
  );
}
