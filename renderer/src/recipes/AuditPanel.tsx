import { useCallback, useEffect, useState } from 'react';
import type { AuditEntryInfo, AuditVerification, StationClient } from '../../../common/api';
import { auditSubjectText } from './audit-subject';

interface Props {
  client: StationClient;
  /** Changes to the audit log show up after a save: reload when this changes. */
  revision: number;
  report: (err: unknown) => void;
}

/** Who changed what and when (supervisors and admins), with a check of the hash chain. */
export function AuditPanel({ client, revision, report }: Props) {
  const [rows, setRows] = useState<AuditEntryInfo[]>([]);
  const [check, setCheck] = useState<AuditVerification | null>(null);
  const load = useCallback(() => client.call('audit.list', { limit: 50 }).then(setRows, report), [client, report]);
  useEffect(() => {
    void load();
  }, [load, revision]);

  async function verify() {
    try {
      setCheck(await client.call('audit.verify', {}));
    } catch (err) {
      report(err);
    }
  }

  return (
    <section className="panel recipe-audit" data-testid="audit-panel">
      <div className="panel-head">
        <h2>Audit trail</h2>
        <span className="row">
          {check && (
            <span className={check.ok ? 'saved' : 'login-error'} data-testid="audit-check">
              {check.ok
                ? `Chain intact (${check.rows} rows)`
                : check.firstBrokenSeq !== null
                  ? `Chain broken at row ${check.firstBrokenSeq}`
                  : (check.anchorProblem ?? 'Chain broken')}
            </span>
          )}
          <button className="small" onClick={verify} data-testid="audit-verify">
            Verify chain
          </button>
        </span>
      </div>
      <table className="versions" data-testid="audit-rows">
        <thead>
          <tr>
            <th>#</th>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>Subject</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.seq} title={JSON.stringify(r.details)}>
              <td className="num">{r.seq}</td>
              <td>{new Date(r.at).toLocaleString()}</td>
              <td>{r.actor}</td>
              <td>{r.action}</td>
              <td title={r.subject} data-testid="audit-subject">
                {auditSubjectText(r)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
