// The test registrar behaves like a real one: REGISTER is challenged (digest, qop=auth), the
// right password registers, a wrong one is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type KamailioPeer } from '../../../e2e/peers/kamailio';
import { sipRequest } from '../../../e2e/peers/sip-probe';
import { missingToolsReason } from '../../../e2e/peers/tools';

const missing = missingToolsReason(['kamailio']);

describe.skipIf(Boolean(missing))(`e2e/peers kamailio ${missing}`, () => {
  let kamailio: KamailioPeer;
  beforeAll(async () => {
    kamailio = await startKamailio({ users: [{ user: '1001', password: 'secret1001' }], domain: 'testbed.local' });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  const register = (password?: string) =>
    sipRequest({
      port: kamailio.port,
      method: 'REGISTER',
      requestUri: 'sip:testbed.local',
      from: 'sip:1001@testbed.local',
      to: 'sip:1001@testbed.local',
      extraHeaders: ['Expires: 60'],
      ...(password !== undefined ? { auth: { user: '1001', password } } : {}),
    });

  it('challenges a REGISTER without credentials with 401 and qop=auth', async () => {
    const res = await register();
    expect(res.status).toBe(401);
    expect(res.header('WWW-Authenticate')).toMatch(/Digest .*realm="testbed.local".*qop="auth"/);
  });

  it('accepts the right password', async () => {
    const res = await register('secret1001');
    expect(res.status).toBe(200);
    expect(res.header('Contact')).toContain('sip:probe@127.0.0.1');
  });

  it('refuses a wrong password with 403', async () => {
    const res = await register('wrong');
    expect(res.status).toBe(403);
  });

  it('answers 404 for a number with neither registration nor route', async () => {
    const res = await sipRequest({ port: kamailio.port, method: 'OPTIONS', requestUri: 'sip:9999@testbed.local' });
    expect(res.status).toBe(404);
  });
});
