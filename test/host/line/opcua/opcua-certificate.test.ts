import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MessageSecurityMode, SecurityPolicy, UserTokenType, type OPCUACertificateManager } from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpcuaAdapter } from '../../../../host/line/opcua/opcua-adapter';
import { SeamInbound, USER, clientCertificates, connect, freePort, makeClient } from './opcua-test-kit';

let dir: string;
let dataDir: string;
let port: number;
let certificates: OPCUACertificateManager;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myriad-opcua-cert-'));
  dataDir = path.join(dir, 'data');
  port = await freePort();
  certificates = clientCertificates(path.join(dir, 'client-pki'));
});

afterAll(async () => {
  await certificates?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function certificateFile(): string {
  return path.join(dataDir, 'pki', 'own', 'certs', 'certificate.pem');
}

/** The thumbprint of the certificate the running server presents to clients. */
async function servedThumbprint(url: string): Promise<string> {
  const client = makeClient(certificates, MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256);
  await client.connect(url);
  try {
    const endpoints = await client.getEndpoints();
    const certificate = endpoints[0]?.serverCertificate;
    if (!certificate) throw new Error('no server certificate in the endpoints');
    return createHash('sha1').update(certificate).digest('hex');
  } finally {
    await client.disconnect();
  }
}

async function portIsFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(p, () => probe.close(() => resolve(true)));
  });
}

describe('OPC UA adapter: server certificate and restart', () => {
  it('creates the certificate in DATA_DIR/pki at first start, frees the port on stop and serves the same certificate after a restart', async () => {
    const url = `opc.tcp://127.0.0.1:${port}`;
    const settings = { enabled: true, port, allowNoSecurity: false, users: [USER] };
    const first = new OpcuaAdapter({ settings, dataDir });
    await first.start(new SeamInbound());
    expect(fs.existsSync(certificateFile())).toBe(true);
    const before = await servedThumbprint(url);
    await first.stop();
    expect(first.state().status).toBe('off');
    expect(await portIsFree(port)).toBe(true);

    // Same data dir, None allowed this time: the certificate is reused, not remade.
    const second = new OpcuaAdapter({ settings: { ...settings, allowNoSecurity: true }, dataDir });
    await second.start(new SeamInbound());
    try {
      expect(await servedThumbprint(url)).toBe(before);
      const anonymous = await connect(url, certificates, { type: UserTokenType.Anonymous }, MessageSecurityMode.None);
      expect(second.state()).toMatchObject({ status: 'connected', detail: `1 session on port ${port}` });
      await anonymous.close();
    } finally {
      await second.stop();
    }
  });

  it('listens once a taken port is free again', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    const inbound = new SeamInbound();
    const adapter = new OpcuaAdapter({ settings: { enabled: true, port, allowNoSecurity: false, users: [USER] }, dataDir, retryMs: 200 });
    const states: string[] = [];
    adapter.onState((s) => void states.push(s.status));
    try {
      await adapter.start(inbound);
      expect(adapter.state()).toMatchObject({ status: 'down', detail: `port ${port} is in use` });
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      const deadline = Date.now() + 10_000;
      while (adapter.state().detail !== `listening on port ${port}` && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(adapter.state()).toMatchObject({ status: 'connecting', detail: `listening on port ${port}` });
      expect(states).toContain('down');
      expect(inbound.logs.join('\n')).toMatch(/port \d+ is in use/);
    } finally {
      await adapter.stop();
    }
  });
});
