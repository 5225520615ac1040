import { useCallback, useEffect, useState } from 'react';
import type { AlarmConfig, ModelVerdictPolicy, RecipeDetail, RecipeSummary, StationClient, ThresholdBand, WhoAmI } from '../../../common/api';
import { ErrorBanners } from '../components/ErrorBanners';
import { ScreenHeader } from '../components/ScreenHeader';
import { useErrors } from '../hooks/useErrors';
import { AUDITORS, ENGINEERING, OFFICE } from '../login/roles';
import { ReplayPanel } from '../replay/ReplayPanel';
import type { ConnectionState } from '../transport/ws-client';
import { AlarmSettings } from './AlarmSettings';
import { AuditPanel } from './AuditPanel';
import { BandEditor } from './BandEditor';
import { GoldenAndBandFacts } from './GoldenAndBandFacts';
import { GoldenGrid } from './GoldenGrid';
import { RoiOutline } from '../components/RoiOutline';
import { GoldenProposalQueue } from './GoldenProposalQueue';
import { InstructionList } from './InstructionList';
import { NewRecipePanel } from './NewRecipePanel';
import { ScoreHistogram } from './ScoreHistogram';
import { VerdictPolicySettings } from './VerdictPolicySettings';
import { LineCameraSettings } from './LineCameraSettings';
import { VersionTable } from './VersionTable';
import { describeExpertOptions } from './expert-options-form';
import './recipes.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  connection: ConnectionState;
  who: WhoAmI | null;
}

/**
 * Recipes: golden samples and the proposals waiting to join them, expert, threshold band with the
 * score histogram, instructions, versions, replay.
 */
export function RecipesScreen({ client, connection, who }: Props) {
  const { errors, report, dismiss } = useErrors();
  const [recipes, setRecipes] = useState<RecipeSummary[]>([]);
  const [name, setName] = useState<string | null>(null);
  const [detail, setDetail] = useState<RecipeDetail | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const [creating, setCreating] = useState(false);
  const role = who?.role ?? 'operator';
  const canEdit = ENGINEERING.has(role);
  const translator = useT();
  const { t } = translator;
  const roleName = t(`role.${role}`);

  const loadList = useCallback(() => {
    client.call('recipes.list', {}).then((list) => {
      setRecipes(list);
      setName((n) => n ?? list[0]?.name ?? null);
    }, report);
  }, [client, report]);
  useEffect(() => {
    if (connection === 'open') loadList();
  }, [connection, loadList]);

  const load = useCallback(() => {
    if (name === null) return;
    client.call('recipes.get', { recipe: name }).then(setDetail, report);
  }, [client, name, report]);
  useEffect(load, [load]);

  /** Saves a change the host records as the recipe's next version, then says so and reloads. */
  async function saveVersion<R>(call: (recipe: string) => Promise<R>, message: (r: R) => string): Promise<void> {
    if (name === null) return;
    try {
      const r = await call(name);
      setSaved(message(r));
      setRevision((n) => n + 1);
      load();
    } catch (err) {
      report(err);
    }
  }

  const saveBand = (band: ThresholdBand) =>
    saveVersion(
      (recipe) => client.call('recipes.setBand', { recipe, band }),
      (r) => t('recipes.saved', { name: r.name, version: r.version, t1: r.band.t1, t2: r.band.t2 }),
    );
  const saveAlarm = (alarm: AlarmConfig) =>
    saveVersion(
      (recipe) => client.call('recipes.setAlarm', { recipe, alarm }),
      (r) => t(r.alarm.enabled ? 'alarm.savedOn' : 'alarm.savedOff', { name: r.recipe, version: r.version }),
    );
  const saveVerdictPolicy = (policy: ModelVerdictPolicy) =>
    saveVersion(
      (recipe) => client.call('recipes.setModelVerdictPolicy', { recipe, policy }),
      (r) => t('verdictPolicy.saved', { name: r.recipe, version: r.version, policy: t(`verdictPolicy.${r.policy}`) }),
    );

  const saveLineCamera = (source: string | null) =>
    saveVersion(
      (recipe) => client.call('recipes.setLineCameraSource', { recipe, source }),
      (r) => (r.source === null ? t('lineCamera.savedLine', { name: r.recipe, version: r.version }) : t('lineCamera.saved', { name: r.recipe, version: r.version, source: r.source })),
    );

  const changed = useCallback(() => {
    setRevision((n) => n + 1);
    load();
  }, [load]);

  function created(r: RecipeSummary) {
    setCreating(false);
    setSaved(t('recipes.created', { name: r.name, version: r.version }));
    setRevision((n) => n + 1);
    setName(r.name);
    loadList();
    if (r.name === name) load();
  }

  const s = detail?.summary;
  return (
    <div className="app">
      <ScreenHeader current="recipes" connection={connection} />
      <ErrorBanners errors={errors} onDismiss={dismiss} />
      <main className="recipes" data-testid="recipes-screen">
        {creating && <NewRecipePanel client={client} onCreated={created} onClose={() => setCreating(false)} report={report} />}
        <div className="recipes-col">
          <section className="panel recipe-facts">
            <div className="panel-head">
              <h2>{t('recipes.recipe')}</h2>
              <select data-testid="recipes-select" value={name ?? ''} onChange={(e) => setName(e.target.value)}>
                {recipes.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.name}
                  </option>
                ))}
              </select>
              {canEdit && !creating && (
                <button type="button" className="small" data-testid="new-recipe-open" onClick={() => setCreating(true)}>
                  {t('recipes.new')}
                </button>
              )}
            </div>
            {s && detail && (
              <dl className="facts">
                <dt>{t('recipes.version')}</dt>
                <dd data-testid="recipe-version">{t('common.version', { version: s.version })}</dd>
                <dt>{t('recipes.expert')}</dt>
                <dd data-testid="recipe-expert">{s.expert}</dd>
                <dt>{t('recipes.options')}</dt>
                <dd data-testid="recipe-expert-options">{describeExpertOptions(s.expertOptions, translator)}</dd>
                <dt>{t('recipes.backbone')}</dt>
                <dd title={detail.backboneSha256}>
                  {s.backbone} <code>{detail.backboneSha256.slice(0, 12)}</code>
                </dd>
                <GoldenAndBandFacts goldenCount={s.goldenCount} band={s.band} bandTestId="recipe-band" />
              </dl>
            )}
          </section>
          {s && detail && (
            <>
              <section className="panel recipe-instructions">
                <h2>{t('recipes.standing')}</h2>
                <InstructionList instructions={s.instructions} />
              </section>
              <section className="panel recipe-alarm">
                <h2>{t('recipes.alarm')}</h2>
                <AlarmSettings alarm={detail.alarm} canEdit={canEdit} role={roleName} onSave={saveAlarm} />
              </section>
              <section className="panel recipe-verdict-policy">
                <h2>{t('recipes.verdictPolicy')}</h2>
                <VerdictPolicySettings policy={detail.modelVerdictPolicy} canEdit={canEdit} role={roleName} onSave={saveVerdictPolicy} />
              </section>
              <section className="panel recipe-line-camera">
                <h2>{t('recipes.lineCamera')}</h2>
                <LineCameraSettings source={detail.lineCameraSource} canEdit={canEdit} role={roleName} onSave={saveLineCamera} />
              </section>
              <section className="panel recipe-versions">
                <h2>{t('recipes.versions')}</h2>
                <VersionTable versions={detail.versions} />
              </section>
            </>
          )}
        </div>
        {s && detail && (
          <div className="recipes-col wide">
            <section className="panel recipe-band">
              <div className="panel-head">
                <h2>{t('recipes.threshold')}</h2>
                {saved && (
                  <span className="saved" data-testid="band-saved">
                    {saved}
                  </span>
                )}
              </div>
              <ScoreHistogram golden={detail.goldenScores} reviewed={detail.reviewedScores} band={s.band} />
              <BandEditor band={s.band} canEdit={canEdit} role={roleName} onSave={saveBand} />
            </section>
            {s.roi && detail.golden[0] && (
              <section className="panel recipe-roi" data-testid="recipe-roi">
                <h2>{t('roi.label')}</h2>
                <p className="muted">{t('roi.coverage', { percent: (100 * s.roi.coverage).toFixed(1) })}</p>
                <div className="heatmap-frame roi-figure" style={{ aspectRatio: `${s.roi.width} / ${s.roi.height}` }}>
                  <img src={client.imageUrl(detail.golden[0].sha256)} alt={detail.golden[0].name} />
                  <RoiOutline maskUrl={client.imageUrl(s.roi.sha256)} width={s.roi.width} height={s.roi.height} onError={report} />
                </div>
              </section>
            )}
            <section className="panel recipe-golden">
              <h2>{t('recipes.goldenSamples', { count: detail.golden.length })}</h2>
              <GoldenGrid client={client} golden={detail.golden} />
            </section>
            <GoldenProposalQueue client={client} recipe={s.name} canDecide={canEdit} role={roleName} onChanged={changed} report={report} />
            <ReplayPanel client={client} recipe={s.name} canReplay={OFFICE.has(role)} report={report} />
          </div>
        )}
        {s && detail && AUDITORS.has(role) && <AuditPanel client={client} revision={revision} report={report} />}
      </main>
    </div>
  );
}
