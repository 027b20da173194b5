// SIP over TLS against a real registrar/proxy: Kamailio with a TLS listener whose certificate
// comes from a throwaway CA made at test time. Registration with and without that CA, and a
// call between two agents registered over TLS (INVITE, 200, ACK, BYE all over TLS).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioModulesDir, startKamailio, type KamailioPeer } from '../../e2e/peers';
import { missingToolsReason } from '../../e2e/peers/tools';
import { makeTestPki, type TestPki } from './certs';
import { ended, makeAccount, nextCallEvent, nextIncoming, profileFor, type TestAccount } from './helpers';

function missingTls(): string {
  const missing = missingToolsReason(['kamailio', 'openssl']);
  if (missing) return missing;
  return fs.existsSync(path.join(kamailioModulesDir(), 'tls.so')) ? '' : 'missing the Kamailio TLS module — install with: apt-get install -y kamailio-tls-modules';
}
const missing = missingTls();

let pki: TestPki;
let kamailio: KamailioPeer;
let tlsUri: string;

describe.skipIf(Boolean(missing))(`SIP over TLS through Kamailio ${missing}`, () => {
  beforeAll(async () => {
    pki = makeTestPki();
    kamailio = await startKamailio({
      users: [
        { user: '1001', password: 'secret1001' },
        { user: '1002', password: 'secret1002' },
      ],
      tls: pki.issue('kamailio', { ip: '127.0.0.1' }),
    });
    tlsUri = kamailio.tlsUri ?? '';
  });

  afterAll(async () => {
    await kamailio?.stop();
    pki?.dispose();
  });

  it('registers with digest auth over TLS when sip.tlsCaFile holds the CA', async () => {
    const a = makeAccount(profileFor({ user: '1001', proxy: tlsUri, tlsCaFile: pki.caFile }));
    try {
      await a.account.start();
      expect(a.account.registration.state).toBe('registered');
      const register = a.wire.filter((w) => w.direction === 'out' && /^REGISTER/.test(w.text)).at(-1)?.text ?? '';
      expect(register).toMatch(/^Via: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;/m);
      expect(register).toMatch(/^Contact: <sip:1001@127\.0\.0\.1:\d+;transport=tls>/m);
      await kamailio.waitForLog(new RegExp(`REQ REGISTER sip:testbed\\.local from 127\\.0\\.0\\.1:\\d+/tls`));
    } finally {
      await a.dispose();
    }
  });

  it('without the CA file the server is not trusted and nothing reaches Kamailio', async () => {
    const a = makeAccount(profileFor({ user: '1002', proxy: tlsUri }));
    try {
      await a.account.start();
      expect(a.account.registration).toMatchObject({
        state: 'failed',
        reason: "the SIP server's certificate is not trusted (self-signed or unknown CA) — ask IT for the CA file and set sip.tlsCaFile",
      });
      expect(a.wire).toHaveLength(0);
    } finally {
      await a.dispose();
    }
  });

  it('a call between two agents registered over TLS: ring, answer, hang up with BYE', async () => {
    const caller = makeAccount(profileFor({ user: '1001', proxy: tlsUri, tlsCaFile: pki.caFile }));
    const callee = makeAccount(profileFor({ user: '1002', proxy: tlsUri, tlsCaFile: pki.caFile }));
    try {
      await caller.account.start();
      await callee.account.start();
      expect([caller.account.registration.state, callee.account.registration.state]).toEqual(['registered', 'registered']);
      const incoming = nextIncoming(callee.account);
      const out = await caller.account.dial('1002');
      const inCall = await incoming;
      expect(inCall.remote.number).toBe('1001');
      const outAccepted = nextCallEvent(out, 'accepted');
      const inEnded = ended(inCall);
      await inCall.answer();
      await outAccepted;
      // The INVITE reached the callee over its TLS connection (Kamailio relays to the registered flow).
      const invite = await callee.waitForWire('in', /^INVITE sip:1002@127\.0\.0\.1:\d+;transport=tls/);
      expect(invite).toMatch(/^Via: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;/m);
      expect(caller.media.get(out.id)?.applied[0]).toMatchObject({ remoteAddress: '127.0.0.1', codec: { name: 'PCMU' } });
      await kamailio.waitForLog(/REQ ACK sip:1002@127\.0\.0\.1:\d+;transport=tls.* from 127\.0\.0\.1:\d+\/tls/);
      const outEnded = ended(out);
      await out.hangup();
      expect(await outEnded).toMatchObject({ by: 'local', reason: 'Hung up' });
      expect(await inEnded).toEqual({ by: 'remote', reason: 'Hung up by remote party' });
      await callee.waitForWire('in', /^BYE /);
      await caller.waitForWire('in', /^SIP\/2\.0 200 OK[\s\S]*CSeq: \d+ BYE/);
    } finally {
      await caller.dispose();
      await callee.dispose();
    }
  });
});
