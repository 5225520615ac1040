import type { ReviewDecision } from '../../../common/api';

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
  return (
    <section className="panel decision-panel" aria-label="Decision">
      <h2>Decision</h2>
      <label className="field">
        <span>Defect type</span>
        <select data-testid="review-defect-type" value={draft.defectType} onChange={(e) => onChange({ ...draft, defectType: e.target.value })}>
          <option value="">Pick a type…</option>
          {defectTypes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>…or another type</span>
        <input
          data-testid="review-defect-custom"
          value={draft.customType}
          maxLength={120}
          placeholder="free text"
          onChange={(e) => onChange({ ...draft, customType: e.target.value })}
        />
      </label>
      <label className="field">
        <span>Reason</span>
        <input
          data-testid="review-reason"
          value={draft.reason}
          maxLength={2000}
          placeholder="what you saw"
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
          {goldenIsProposal
            ? 'Marking good proposes the image for the golden set (an engineer confirms it)'
            : 'Marking good adds the image to the golden set (refits the recipe)'}{' '}
          <kbd>A</kbd>
        </span>
      </label>
      {defectNeeded && (
        <p className="review-defect-needed" role="alert" data-testid="review-defect-needed">
          Pick a defect type, or type one, to confirm a defect.
        </p>
      )}
      <div className="decision-buttons">
        <button type="button" className="decide" data-decision="defect" data-testid="review-confirm-defect" disabled={busy} onClick={() => onDecide('defect')}>
          Confirm defect <kbd>D</kbd>
        </button>
        <button type="button" className="decide" data-decision="good" data-testid="review-mark-good" disabled={busy} onClick={() => onDecide('good')}>
          Good / false alarm <kbd>G</kbd>
        </button>
        <button
          type="button"
          className="decide"
          data-testid="review-reinspect"
          disabled={busy}
          title="Records the decision and inspects the stored image again with the recipe as it is now"
          onClick={() => onDecide('reinspect')}
        >
          Re-inspect <kbd>R</kbd>
        </button>
      </div>
      {busy && <div className="muted" data-testid="review-busy">Recording{draft.addToGolden && !goldenIsProposal ? ' and refitting the recipe' : ''}…</div>}
    </section>
  );
}
