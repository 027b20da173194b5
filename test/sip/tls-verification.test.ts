// SIP over TLS: the server's certificate is always verified, and every way it can fail reaches
// the registration state in plain words (the status line shows "Registration failed: <reason>").
// A Node TLS server is the registrar here so each certificate case is one small server; the
// real-registrar cases (Kamailio) are in tls-kamailio.test.ts.
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateProfile } from '../../shared/profile';
import { LogHub } from '../../src-main/core/log/logger';
import { SipTlsError, TlsTransport } from '../../src-main/core/sip/transport/tls';
import { makeTestPki, type TestPki } from './certs';
import { makeAccount, profileFor, type TestAccount } from './helpers';
import { startTlsRegistrar, type TlsRegistrar } from './tls-registrar';

const UNTRUSTED = "the SIP server's certificate is not trusted (self-signed or unknown CA) — ask IT for the CA file and set sip.tlsCaFile";

let pki: TestPki;
let registrar: TlsRegistrar | undefined;
let agent: TestAccount | undefined;
let plain: net.Server | undefined;

beforeAll(() => {
  pki = makeTestPki();
});

afterAll(() => pki?.dispose());

afterEach(async () => {
  await agent?.dispose();
  agent = undefined;
  await registrar?.close();
  registrar = undefined;
  await new Promise<void>((r) => (plain ? plain.close(() => r()) : r()));
  plain = undefined;
});

async function registerAgainst(cert: Parameters<typeof startTlsRegistrar>[0], tlsCaFile?: string): Promise<TestAccount> {
  registrar = await startTlsRegistrar(cert);
  agent = makeAccount(profileFor({ proxy: registrar.uri, ...(tlsCaFile ? { tlsCaFile } : {}) }));
  await agent.account.start();
  return agent;
}

describe('TLS transport: verified connection', () => {
  it('registers with the CA from sip.tlsCaFile; Via and Contact say TLS with the connection port', async () => {
    const a = await registerAgainst(pki.issue('ok', { ip: '127.0.0.1' }), pki.caFile);
    expect(a.account.registration.state).toBe('registered');
    const first = registrar!.registers[0]!;
    expect(first.msg.from.address).toBe('127.0.0.1');
    expect(first.msg.header('Via')).toMatch(new RegExp(`^SIP/2\\.0/TLS 127\\.0\\.0\\.1:${first.msg.from.port};branch=[^;]+;rport$`));
    expect(first.msg.header('Contact')).toContain(`@127.0.0.1:${first.msg.from.port};transport=tls>`);
    expect(first.msg.header('Route')).toBe(`<sip:127.0.0.1:${registrar!.port};transport=tls;lr>`);
    // An IP literal proxy: no SNI (RFC 6066 forbids IPs there); the IP SAN was checked instead.
    expect(registrar!.servernames[0]).toBeUndefined();
  });

  it('sips: proxy URIs and sip.transport "tls" select TLS too', async () => {
    registrar = await startTlsRegistrar(pki.issue('sips', { ip: '127.0.0.1' }));
    const viaSips = makeAccount(profileFor({ proxy: `sips:127.0.0.1:${registrar.port}`, tlsCaFile: pki.caFile }));
    const base = profileFor({ user: '1002', proxy: `sip:127.0.0.1:${registrar.port}`, tlsCaFile: pki.caFile });
    const viaField = makeAccount({ ...base, sip: { ...base.sip, transport: 'tls' } });
    try {
      await viaSips.account.start();
      await viaField.account.start();
      expect([viaSips.account.registration.state, viaField.account.registration.state]).toEqual(['registered', 'registered']);
      expect(registrar.registers.map((r) => /^SIP\/2\.0\/(\w+)/.exec(r.msg.header('Via') ?? '')?.[1])).toEqual(['TLS', 'TLS']);
    } finally {
      await viaSips.dispose();
      await viaField.dispose();
    }
  });

  it('reconnects after the server drops the TLS connection and re-REGISTERs from the new port', async () => {
    const a = await registerAgainst(pki.issue('reconnect', { ip: '127.0.0.1' }), pki.caFile);
    expect(a.account.registration.state).toBe('registered');
    const first = registrar!.registers[0]!;
    first.socket.destroy();
    await registrar!.registerCount(2);
    const second = registrar!.registers[1]!;
    expect(registrar!.sockets.length).toBe(2);
    expect(second.socket).not.toBe(first.socket);
    expect(second.msg.from.port).not.toBe(first.msg.from.port);
    expect(second.msg.header('Via')).toMatch(new RegExp(`^SIP/2\\.0/TLS 127\\.0\\.0\\.1:${second.msg.from.port};`));
    expect(second.msg.header('Contact')).toContain(`@127.0.0.1:${second.msg.from.port};transport=tls>`);
    const firstExpiry = a.registrations.find((r) => r.state === 'registered')?.expiresAt ?? 0;
    await a.waitForRegistration((r) => r.state === 'registered' && (r.expiresAt ?? 0) > firstExpiry);
  });

  it('a proxy given by name is checked by that name (SNI + DNS SAN), without a DNS lookup', async () => {
    registrar = await startTlsRegistrar(pki.issue('named', { dns: 'sip.testbed.local' }));
    const log = new LogHub('warn').logger('tls');
    const ca = [fs.readFileSync(pki.caFile, 'utf8')];
    const good = new TlsTransport(undefined, { localAddress: '127.0.0.1', remote: { host: '127.0.0.1', port: registrar.port }, servername: 'sip.testbed.local', ca, log });
    try {
      await good.connect();
      expect(good.isConnected()).toBe(true);
      await registrar.connectionCount(1);
      expect(registrar.servernames).toEqual(['sip.testbed.local']);
    } finally {
      await good.dispose();
    }
    const wrong = new TlsTransport(undefined, { localAddress: '127.0.0.1', remote: { host: '127.0.0.1', port: registrar.port }, servername: 'pbx.testbed.local', ca, log });
    try {
      const error = await wrong.connect().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SipTlsError);
      expect(error).toMatchObject({ kind: 'mismatch', certNames: ['sip.testbed.local'], code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      expect(wrong.isConnected()).toBe(false);
    } finally {
      await wrong.dispose();
    }
  });
});

describe('TLS transport: certificate and connection failures in plain words', () => {
  it('without sip.tlsCaFile a private-CA certificate is not trusted, and no SIP is sent', async () => {
    const a = await registerAgainst(pki.issue('noca', { ip: '127.0.0.1' }));
    expect(a.account.registration).toMatchObject({ state: 'failed', reason: UNTRUSTED });
    expect(registrar!.registers).toHaveLength(0);
    expect(a.wire.filter((w) => w.direction === 'out')).toHaveLength(0);
  });

  it('a self-signed certificate is not trusted even with a CA file', async () => {
    const a = await registerAgainst(pki.selfSigned('self', '127.0.0.1'), pki.caFile);
    expect(a.account.registration.state).toBe('failed');
    expect(a.account.registration.reason).toBe(
      "the SIP server's certificate is not trusted (not signed by the CA in sip.tlsCaFile, or self-signed) — ask IT for the right CA file for sip.tlsCaFile",
    );
    expect(registrar!.registers).toHaveLength(0);
  });

  it('a certificate for another address is a mismatch that names both', async () => {
    const a = await registerAgainst(pki.issue('other', { ip: '127.0.0.2', dns: 'other.testbed.local' }), pki.caFile);
    expect(a.account.registration).toMatchObject({
      state: 'failed',
      reason: "the SIP server's certificate does not match 127.0.0.1 (it is for 127.0.0.2, other.testbed.local) — set the outbound proxy in Settings to the name on the certificate, or ask IT",
    });
    expect(registrar!.registers).toHaveLength(0);
  });

  it('an expired certificate says so', async () => {
    const a = await registerAgainst(pki.issue('expired', { ip: '127.0.0.1', days: -1 }), pki.caFile);
    expect(a.account.registration).toMatchObject({ state: 'failed', reason: "the SIP server's certificate has expired — ask IT to renew it (or check this computer's date)" });
    expect(registrar!.registers).toHaveLength(0);
  });

  it('a port that does not speak TLS is a handshake failure', async () => {
    plain = net.createServer((socket) => {
      socket.on('error', () => undefined);
      // A plain SIP/TCP server answering the ClientHello with text.
      socket.once('data', () => socket.end('SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((r) => plain!.listen(0, '127.0.0.1', () => r()));
    const port = (plain.address() as net.AddressInfo).port;
    agent = makeAccount(profileFor({ proxy: `sip:127.0.0.1:${port};transport=tls`, tlsCaFile: pki.caFile }));
    await agent.account.start();
    expect(agent.account.registration.state).toBe('failed');
    expect(agent.account.registration.reason).toMatch(
      new RegExp(`^TLS handshake with 127\\.0\\.0\\.1:${port} failed \\((the server did not answer in TLS|the server closed the connection)\\) — check that the outbound proxy's port speaks SIP over TLS \\(usually 5061\\), or call IT$`),
    );
  });

  it('a refused connection says connection refused', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    agent = makeAccount(profileFor({ proxy: `sips:127.0.0.1:${port}`, tlsCaFile: pki.caFile }));
    await agent.account.start();
    expect(agent.account.registration).toMatchObject({
      state: 'failed',
      reason: `cannot connect to 127.0.0.1:${port} (connection refused) — check the network and the outbound proxy in Settings`,
    });
  });

  it('the profile takes sip.tlsCaFile as a path; an empty one is a field error', () => {
    const sip = { uri: 'sip:1001@testbed.local', outboundProxy: 'sips:pbx.example.com', transport: 'tls' };
    expect(validateProfile({ sip: { ...sip, tlsCaFile: '/etc/softphone/ca.pem' } }).errors).toEqual([]);
    expect(validateProfile({ sip: { ...sip, tlsCaFile: '' } }).errors).toEqual([
      { field: 'sip.tlsCaFile', message: 'sip.tlsCaFile: must be the path of a PEM file with the CA certificate(s)' },
    ]);
  });

  it('an unreadable sip.tlsCaFile is named in the reason', async () => {
    agent = makeAccount(profileFor({ proxy: 'sip:127.0.0.1:5061;transport=tls', tlsCaFile: `${pki.dir}/missing-ca.pem` }));
    await agent.account.start();
    expect(agent.account.registration).toMatchObject({
      state: 'failed',
      reason: `sip.tlsCaFile: cannot read "${pki.dir}/missing-ca.pem" (ENOENT) — check the path IT gave you`,
    });
  });
});
