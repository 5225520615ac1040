import type { ReviewDecision } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

export interface DecisionDraft {
  defectType: string;
  customType: string;
  reason: string;
  addToGolden: boolean;
}

interface Props {
  draft: DecisionDraft;
  defectTypes: string[];
  busy: boolean;
  /** True when the reviewer may not change the golden set: marking good only proposes the image. */
  goldenIsProposal: boolean;
  /** Confirm defect was pressed with no type chosen. */
  defectNeeded: boolean;
  onChange: (draft: DecisionDraft) => void;
  onDecide: (decision: ReviewDecision) => void;
}

/** The three decisions with their keys; the defect type comes from the recipe's list or free text. */
export function DecisionPanel({ draft, defectTypes, busy, goldenIsProposal, defectNeeded, onChange, onDecide }: Props) {
  const { t } = useT();
  return (
    <section className="panel decision-panel" aria-label={t('review.decision')}>
      <h2>{t('review.decision')}</h2>
      <label className="field">
        <span>{t('review.defectType')}</span>
        <select data-testid="review-defect-type" value={draft.defectType} onChange={(e) => onChange({ ...draft, defectType: e.target.value })}>
          <option value="">{t('review.pickType')}</option>
          {defectTypes.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('review.otherType')}</span>
        <input
          data-testid="review-defect-custom"
          value={draft.customType}
          maxLength={120}
          placeholder={t('review.freeText')}
          onChange={(e) => onChange({ ...draft, customType: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('review.reason')}</span>
        <input
          data-testid="review-reason"
          value={draft.reason}
          maxLength={2000}
          placeholder={t('review.reasonPlaceholder')}
          onChange={(e) => onChange({ ...draft, reason: e.target.value })}
        />
      </label>
      <label className="field inline">
        <input
          type="checkbox"
          data-testid="review-add-golden"
          checked={draft.addToGolden}
          onChange={(e) => onChange({ ...draft, addToGolden: e.target.checked })}
        />
        <span data-testid="review-add-golden-label">
          {goldenIsProposal ? t('review.golden.propose') : t('review.golden.add')}{' '}
          <kbd>A</kbd>
        </span>
      </label>
      {defectNeeded && (
        <p className="review-defect-needed" role="alert" data-testid="review-defect-needed">
          {t('review.defectNeeded')}
        </p>
      )}
      <div className="decision-buttons">
        <button type="button" className="decide" data-decision="defect" data-testid="review-confirm-defect" disabled={busy} onClick={() => onDecide('defect')}>
          {t('review.confirmDefect')} <kbd>D</kbd>
        </button>
        <button type="button" className="decide" data-decision="good" data-testid="review-mark-good" disabled={busy} onClick={() => onDecide('good')}>
          {t('review.markGood')} <kbd>G</kbd>
        </button>
        <button
          type="button"
          className="decide"
          data-testid="review-reinspect"
          disabled={busy}
          title={t('review.reinspectTitle')}
          onClick={() => onDecide('reinspect')}
        >
          {t('review.reinspect')} <kbd>R</kbd>
        </button>
      </div>
      {busy && <div className="muted" data-testid="review-busy">{draft.addToGolden && !goldenIsProposal ? t('review.recordingRefit') : t('review.recording')}</div>}
    </section>
  );
}
