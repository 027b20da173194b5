import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  decidePermissionCheck,
  decidePermissionRequest,
  isAllowedNavigation,
  resolveAppFile,
} from '../../src-main/electron/security';

describe('permission handler', () => {
  it('allows the microphone and speaker selection for our page only', () => {
    expect(decidePermissionRequest('media', { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio'], isMainFrame: true })).toBe(true);
    expect(decidePermissionRequest('speaker-selection', { requestingUrl: APP_ENTRY_URL })).toBe(true);
  });

  it.each([
    ['media', { requestingUrl: APP_ENTRY_URL, mediaTypes: ['video'] as const }],
    ['media', { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio', 'video'] as const }],
    ['media', { requestingUrl: APP_ENTRY_URL, mediaTypes: [] as const }],
    ['media', { requestingUrl: 'https://evil.example/', mediaTypes: ['audio'] as const }],
    ['media', { requestingUrl: APP_ENTRY_URL, mediaTypes: ['audio'] as const, isMainFrame: false }],
    ['geolocation', { requestingUrl: APP_ENTRY_URL }],
    ['notifications', { requestingUrl: APP_ENTRY_URL }],
    ['clipboard-read', { requestingUrl: APP_ENTRY_URL }],
    ['display-capture', { requestingUrl: APP_ENTRY_URL }],
    ['openExternal', { requestingUrl: APP_ENTRY_URL }],
  ])('denies %s %j', (permission, details) => {
    expect(decidePermissionRequest(permission, details)).toBe(false);
  });

  it('answers permission checks the same way', () => {
    expect(decidePermissionCheck('media', 'app://softphone', { mediaType: 'audio' })).toBe(true);
    expect(decidePermissionCheck('media', 'app://softphone', { mediaType: 'video' })).toBe(false);
    expect(decidePermissionCheck('media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(decidePermissionCheck('hid', 'app://softphone', {})).toBe(false);
  });
});

describe('navigation and CSP', () => {
  it('allows only the app entry page', () => {
    expect(isAllowedNavigation(APP_ENTRY_URL)).toBe(true);
    expect(isAllowedNavigation(`${APP_ENTRY_URL}#/settings`)).toBe(true);
    for (const url of ['https://example.com', 'file:///etc/passwd', 'app://softphone.evil/index.html', 'app://softphone/other.html', 'javascript:alert(1)']) {
      expect(isAllowedNavigation(url)).toBe(false);
    }
  });

  it('has a strict CSP: no inline script, no eval, nothing remote', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});

describe('app:// file resolution', () => {
  const root = '/opt/app/dist/renderer';
  it('maps app URLs into the renderer folder', () => {
    expect(resolveAppFile('app://softphone/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppFile('app://softphone/assets/index-abc.js', root)).toBe(join(root, 'assets/index-abc.js'));
  });
  it.each(['app://softphone/../../etc/passwd', 'app://softphone/%2e%2e/%2e%2e/etc/passwd'])('keeps %s inside the folder (URL parsing collapses dot segments)', (url) => {
    expect(resolveAppFile(url, root)).toBe(join(root, 'etc/passwd'));
  });
  it.each([
    'app://softphone/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://other/index.html',
    'https://softphone/index.html',
    'app://softphone/%00.js',
    'app://softphone/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(url, root)).toBeUndefined();
  });
});
