import type { AlarmAcknowledgement, AlarmConfig, AlarmRaised, InspectionFlag, InspectionRecord } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { writeTransaction, type Db } from '../../db/open';
import type { StationEvents } from '../events';

/** Whether a verdict raises the alarm under `config`. */
export function alarms(config: AlarmConfig, verdict: InspectionRecord['verdict']): boolean {
  return config.enabled && (verdict === 'fail' || (verdict === 'review' && config.review));
}

/**
 * The station alarm: raised when an inspected part's verdict calls for it under its recipe
 * version's setting, sent as the `alarm` event (the Inspect screen, later a line output), and open
 * until someone acknowledges it; the acknowledgement is an audit row with who and which inspection.
 * Open alarms live in memory: after a restart nobody is waiting at the screen for them.
 */
export class StationAlarms {
  private readonly open = new Map<string, AlarmRaised>();

  constructor(
    private readonly db: Db,
    private readonly events: StationEvents,
  ) {}

  /** Raises the alarm for `record` when `config` asks for it; returns what was raised, else null. */
  afterInspection(record: Pick<InspectionRecord, 'id' | 'recipe' | 'recipeVersion' | 'verdict'>, config: AlarmConfig): AlarmRaised | null {
    if (!alarms(config, record.verdict)) return null;
    const raised: AlarmRaised = {
      inspectionId: record.id,
      recipe: record.recipe,
      recipeVersion: record.recipeVersion,
      verdict: record.verdict,
      sound: config.sound,
      raisedAt: new Date().toISOString(),
    };
    this.open.set(record.id, raised);
    this.events.emit('alarm', raised);
    return raised;
  }

  /**
   * Raises the alarm when a first answer's flag moved a part into a verdict that calls for it while
   * its recorded verdict did not: a FAIL the model decided, or a disagreement sent to REVIEW on a
   * recipe that alarms on REVIEW. A part whose recorded verdict already alarmed is not raised twice.
   */
  afterFlag(record: Pick<InspectionRecord, 'id' | 'recipe' | 'recipeVersion'>, flag: Pick<InspectionFlag, 'verdictBefore' | 'verdict'>, config: AlarmConfig): AlarmRaised | null {
    if (alarms(config, flag.verdictBefore) || this.open.has(record.id)) return null;
    return this.afterInspection({ ...record, verdict: flag.verdict }, config);
  }

  /**
   * Ends the open alarm of `inspectionId`, recorded in the audit trail as acknowledged by `actor`.
   * @throws StationError('NOT_FOUND') when no alarm of that inspection is open (never raised, or
   *   already acknowledged, e.g. on another window).
   */
  acknowledge(inspectionId: string, actor: string): AlarmAcknowledgement {
    const raised = this.open.get(inspectionId);
    if (!raised) throw new StationError('NOT_FOUND', `No open alarm for inspection ${inspectionId}`);
    const ack: AlarmAcknowledgement = { inspectionId, acknowledgedBy: actor, acknowledgedAt: new Date().toISOString() };
    writeTransaction(this.db, 'record the alarm acknowledgement', () => {
      appendAudit(
        this.db,
        {
          actor,
          action: 'alarm.acknowledge',
          subject: inspectionId,
          details: { recipe: raised.recipe, recipeVersion: raised.recipeVersion, verdict: raised.verdict, raisedAt: raised.raisedAt },
        },
        ack.acknowledgedAt,
      );
    });
    this.open.delete(inspectionId);
    this.events.emit('alarm.cleared', ack);
    return ack;
  }

  /** Alarms still waiting for an acknowledgement, oldest first (a window opened later shows them). */
  pending(): AlarmRaised[] {
    return [...this.open.values()];
  }
}
