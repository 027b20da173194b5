// Form <-> profile conversion: what profile.save carries.
import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../shared/types';
import { draftFromProfile, isLocked, profileFromDraft, splitFieldErrors } from './profile-form';

const values: ProfileView = {
  displayName: 'Agent 1001',
  sip: { uri: 'sip:1001@testbed.local', authUser: '1001', transport: 'tcp' },
  media: { rtpPortMin: 40000, rtpPortMax: 40999 },
  updates: { enabled: true, url: 'https://updates.example.com/feed' },
  locked: ['updates'],
  colour: 'blue',
};

describe('profile form', () => {
  it('round-trips the loaded values, keeps other known sections and drops unknown ones', () => {
    const out = profileFromDraft(draftFromProfile(values), values);
    expect(out).toMatchObject({
      displayName: 'Agent 1001',
      sip: { uri: 'sip:1001@testbed.local', authUser: '1001', transport: 'tcp' },
      media: { rtpPortMin: 40000, rtpPortMax: 40999 },
      updates: { enabled: true, url: 'https://updates.example.com/feed' },
    });
    expect(out).not.toHaveProperty('colour');
    expect(out).not.toHaveProperty('locked');
    expect(out.sip).not.toHaveProperty('password');
  });

  it('keeps sip.tlsCaFile when saving, and the agent can set or clear it', () => {
    const withCa: ProfileView = { ...values, sip: { ...values.sip, transport: 'tls', tlsCaFile: '/etc/softphone/ca.pem' } };
    const draft = draftFromProfile(withCa);
    expect(draft.tlsCaFile).toBe('/etc/softphone/ca.pem');
    expect(profileFromDraft(draft, withCa).sip).toMatchObject({ transport: 'tls', tlsCaFile: '/etc/softphone/ca.pem' });
    expect(profileFromDraft({ ...draft, tlsCaFile: '/opt/ca2.pem' }, withCa).sip).toMatchObject({ tlsCaFile: '/opt/ca2.pem' });
    expect(profileFromDraft({ ...draft, tlsCaFile: '' }, withCa).sip).not.toHaveProperty('tlsCaFile');
  });

  it('sends a number field that is not a number as typed, so the core names the field', () => {
    const draft = { ...draftFromProfile(values), rtpPortMin: 'abc', rtpPortMax: '' };
    expect(profileFromDraft(draft, values).media).toEqual({ rtpPortMin: 'abc' });
  });

  it('treats a locked section as locking its fields', () => {
    expect(isLocked(['media'], 'media.rtpPortMin')).toBe(true);
    expect(isLocked(['sip.uri'], 'sip.uriX')).toBe(false);
  });

  it('puts save errors before snapshot errors for the same field and keeps the rest apart', () => {
    const { byField, other } = splitFieldErrors(
      [
        { field: 'sip.uri', message: 'sip.uri: old' },
        { field: '(profile)', message: 'the profile is not valid JSON' },
      ],
      [{ field: 'sip.uri', message: 'sip.uri: new' }],
    );
    expect(byField.get('sip.uri')).toEqual(['sip.uri: new']);
    expect(other).toEqual(['the profile is not valid JSON']);
  });
});
