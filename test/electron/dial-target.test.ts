import { describe, expect, it } from 'vitest';
import { findDialLinkInArgs, parseDialLink } from '../../shared/dial-target';

describe('tel:/sip:/callto: links -> dial target', () => {
  it.each([
    ['tel:+1-555-010-0199', 'tel', '+15550100199'],
    ['tel:+1 (555) 010.0199', 'tel', '+15550100199'],
    ['tel:1001;phone-context=example.com', 'tel', '1001'],
    ['TEL:%2B4930123456', 'tel', '+4930123456'],
    ['tel:*72#', 'tel', '*72#'],
    ['sip:2000@pbx.example.com', 'sip', 'sip:2000@pbx.example.com'],
    ['sip:2000@127.0.0.1:5070;transport=tcp?Subject=hi', 'sip', 'sip:2000@127.0.0.1:5070'],
    ['sips:alice@example.com', 'sips', 'sips:alice@example.com'],
    ['callto:1001', 'callto', '1001'],
    ['callto://+44-20-7946-0018/', 'callto', '+442079460018'],
    ['callto:sip:2000@pbx.example.com', 'callto', 'sip:2000@pbx.example.com'],
  ])('%s', (link, scheme, target) => {
    expect(parseDialLink(link)).toEqual({ scheme, target });
  });

  it.each([
    'https://example.com',
    'javascript:alert(1)',
    'tel:',
    'tel:xyz',
    'tel:1001<script>',
    'sip:',
    'sip:user@host with space',
    'sip:a"b@example.com',
    'sip:@example.com',
    'callto:',
    'mailto:agent@example.com',
    `tel:${'1'.repeat(600)}`,
    'tel:%E0%A4%A',
  ])('refuses %s', (link) => {
    expect(parseDialLink(link)).toBeUndefined();
  });

  it('finds the link in a second instance argv, skipping flags', () => {
    expect(findDialLinkInArgs(['--profile', '/tmp/p.json', '--hidden', 'sip:2000@pbx.example.com'])).toEqual({ scheme: 'sip', target: 'sip:2000@pbx.example.com' });
    expect(findDialLinkInArgs(['/opt/Agent Softphone/agent-softphone', '--no-sandbox', 'tel:1001'])).toEqual({ scheme: 'tel', target: '1001' });
    expect(findDialLinkInArgs(['--flag', 'notalink'])).toBeUndefined();
  });
});
