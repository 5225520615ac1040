import { timingSafeEqual, createHash } from 'node:crypto';
import path from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, SecurityPolicy } from 'node-opcua';
import type { OpcuaSettings } from '../line-settings';

/**
 * How the station's OPC UA server is secured. Basic256Sha256 with Sign and with SignAndEncrypt is
 * always offered; SecurityPolicy None (and anonymous sessions with it) only when the engineer turned
 * `allowNoSecurity` on, because a plant network is not a trusted one.
 */

export interface OpcuaSecurityOptions {
  securityPolicies: SecurityPolicy[];
  securityModes: MessageSecurityMode[];
  allowAnonymous: boolean;
}

export function securityOptions(settings: OpcuaSettings): OpcuaSecurityOptions {
  return settings.allowNoSecurity
    ? {
        securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic256Sha256],
        securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: true,
      }
    : {
        securityPolicies: [SecurityPolicy.Basic256Sha256],
        securityModes: [MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: false,
      };
}

/** The PKI folder under the data dir: own/ holds the server certificate and key, trusted/ and rejected/ the clients'. */
export function pkiFolder(dataDir: string): string {
  return path.join(dataDir, 'pki');
}

/**
 * Client certificates are accepted automatically (and filed under pki/trusted): stations sit on a
 * closed plant network where nobody is at hand to approve a certificate, and a session still needs a
 * user and password, so the certificate only secures the channel. To pin clients instead, an
 * administrator moves unwanted certificates to pki/rejected.
 */
export function certificateManager(dataDir: string): OPCUACertificateManager {
  return new OPCUACertificateManager({ rootFolder: pkiFolder(dataDir), automaticallyAcceptUnknownCertificate: true });
}

/**
 * Checks a user name and password against the settings without leaking, through timing, how much
 * of the password matched (both sides are hashed to equal lengths first).
 */
export function passwordMatches(users: OpcuaSettings['users'], name: string, password: string): boolean {
  const user = users.find((u) => u.name === name);
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const expected = digest(user?.password ?? '\u0000no user\u0000');
  return timingSafeEqual(expected, digest(password)) && user !== undefined;
}
