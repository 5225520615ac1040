import type { AuditEntryInfo } from '../../common/api';

/**
 * RFC 5424 syslog lines for audit rows:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT] MSG
 * facility 13 (log audit) and severity 5 (notice): PRI = 13 * 8 + 5 = 109. MSGID is the action,
 * the structured data element `audit@32473` carries seq, actor, subject and the chain hashes so a
 * SIEM can check the chain without the database.
 */
export const APP_NAME = 'myriad-station';
const PRI = 13 * 8 + 5;
/** 32473 is the private enterprise number RFC 5612 reserves for documentation examples. */
const SD_ID = 'audit@32473';

/** PRINTUSASCII without space, at most `max` characters; '-' when nothing is left (RFC 5424 NILVALUE). */
function header(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean.length ? clean : '-';
}

/** SD-PARAM values escape '"', '\' and ']' (RFC 5424 6.3.3). */
function paramValue(value: string): string {
  return value.replace(/[\\"\]]/g, (c) => `\\${c}`);
}

export function syslogLine(entry: AuditEntryInfo, hostname: string, procId: number | string = '-'): string {
  const params: Array<[string, string]> = [
    ['seq', String(entry.seq)],
    ['actor', entry.actor],
    ['subject', entry.subject],
    ['hash', entry.hash],
    ['prevHash', entry.prevHash],
  ];
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${paramValue(v)}"`).join(' ')}]`;
  // The MSG part is UTF-8 and so starts with the BOM (RFC 5424 6.4).
  const msg = `\uFEFF${JSON.stringify(entry.details)}`;
  return [`<${PRI}>1`, entry.at, header(hostname, 255), APP_NAME, header(String(procId), 128), header(entry.action, 32), sd, msg].join(' ');
}
