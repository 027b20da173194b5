// @vitest-environment jsdom
// Main screen: the accessible names and state words of DESIGN.md, and the commands they send.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_READY_REASONS } from '../../shared/types';
import { makeCall, makeSnapshot } from '../test-support/fixtures';
import { renderApp } from '../test-support/render-app';

afterEach(cleanup);

describe('registration status', () => {
  it.each([
    ['registered', 'Registered', undefined],
    ['registering', 'Registering', undefined],
    ['unregistered', 'Unregistered', undefined],
    ['failed', 'Registration failed: 401 Unauthorized — check the password in Settings', '401 Unauthorized — check the password in Settings'],
  ] as const)('shows %s as "%s"', (state, text, reason) => {
    renderApp(makeSnapshot({ registration: { state, reason } }));
    expect(screen.getByRole('status')).toHaveProperty('textContent', text);
  });

  it('is the only status element, so tests and screen readers find one', () => {
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1' })] }));
    expect(screen.getAllByRole('status')).toHaveLength(1);
  });

  it('offers a retry after a failure', async () => {
    const { user, commands } = renderApp(makeSnapshot({ registration: { state: 'failed', reason: '408 Request Timeout' } }));
    await user.click(screen.getByRole('button', { name: 'Retry registration' }));
    expect(commands.ofType('registration.retry')).toEqual([{}]);
  });
});

describe('dialer', () => {
  it('dials the number with the Call button and with Enter', async () => {
    const { user, commands } = renderApp();
    const box = screen.getByRole('textbox', { name: 'Number' });
    await user.type(box, '2000');
    await user.click(screen.getByRole('button', { name: 'Call' }));
    await user.type(box, '3000{Enter}');
    expect(commands.ofType('call.dial')).toEqual([{ target: '2000' }, { target: '3000' }]);
  });

  it('refuses to place a silent call when the microphone is not usable', async () => {
    const { user, commands, update } = renderApp();
    update((s) => s.setMicProblem('Microphone access was denied — allow it'));
    await user.type(screen.getByRole('textbox', { name: 'Number' }), '2000{Enter}');
    expect(commands.ofType('call.dial')).toEqual([]);
    expect(screen.getAllByRole('alert').map((a) => a.textContent).join(' ')).toContain('Microphone access was denied');
  });
});

describe('call states', () => {
  it.each([
    ['calling', 'outbound', 'Ringing'],
    ['ringing', 'inbound', 'Ringing'],
    ['early', 'outbound', 'Ringing'],
    ['connected', 'outbound', 'Connected'],
    ['held', 'outbound', 'On hold'],
    ['ended', 'outbound', 'Ended'],
  ] as const)('%s (%s) shows "%s" in a group named after the remote party', (state, direction, text) => {
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', state, direction, remote: { number: '2000', uri: 'sip:2000@x' } })] }));
    const group = screen.getByRole('group', { name: '2000' });
    expect(within(group).getByText(text, { exact: true })).toBeTruthy();
  });

  it('names the group after the display name when there is one and still shows the number', () => {
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', remote: { displayName: 'Alice Example', number: '2001', uri: 'sip:2001@x' } })] }));
    const group = screen.getByRole('group', { name: 'Alice Example' });
    expect(within(group).getByText('2001')).toBeTruthy();
    expect(within(group).getByText('Alice Example')).toBeTruthy();
  });

  it('shows why an ended call ended', () => {
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', state: 'ended', endReason: 'Busy', endStatus: 486 })] }));
    const group = screen.getByRole('group', { name: '2000' });
    expect(within(group).getByText('Ended')).toBeTruthy();
    expect(within(group).getByText('Busy')).toBeTruthy();
    expect(within(group).queryByRole('button')).toBeNull();
  });

  it('marks a missed inbound call', () => {
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', direction: 'inbound', state: 'ended', missed: true, endReason: 'Cancelled by caller' })] }));
    const group = screen.getByRole('group', { name: '2000' });
    expect(within(group).getByText('Ended')).toBeTruthy();
    expect(within(group).getByText('Cancelled by caller')).toBeTruthy();
    expect(within(group).getByText('Missed')).toBeTruthy();
  });

  it('shows a call timer', () => {
    const now = Date.now();
    renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', state: 'ended', startedAt: now - 90_000, connectedAt: now - 75_000, endedAt: now })] }));
    expect(within(screen.getByRole('group', { name: '2000' })).getByText('01:15')).toBeTruthy();
  });

  it('follows the snapshot when the core changes the state', () => {
    const { push } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', state: 'calling' })] }));
    expect(within(screen.getByRole('group', { name: '2000' })).getByText('Ringing')).toBeTruthy();
    push(makeSnapshot({ seq: 2, calls: [makeCall({ id: 'c1', state: 'connected' })] }));
    expect(within(screen.getByRole('group', { name: '2000' })).getByText('Connected')).toBeTruthy();
  });
});

describe('call controls send the right commands', () => {
  it('Answer and Decline on an inbound ringing call', async () => {
    const { user, commands } = renderApp(
      makeSnapshot({ calls: [makeCall({ id: 'in1', direction: 'inbound', state: 'ringing', remote: { displayName: 'Bob', number: '3000', uri: 'sip:3000@x' } })] }),
    );
    const group = screen.getByRole('group', { name: 'Bob' });
    expect(within(group).queryByRole('button', { name: 'Hold' })).toBeNull();
    await user.click(within(group).getByRole('button', { name: 'Answer' }));
    await user.click(within(group).getByRole('button', { name: 'Decline' }));
    expect(commands.ofType('call.answer')).toEqual([{ callId: 'in1' }]);
    expect(commands.ofType('call.decline')).toEqual([{ callId: 'in1', reason: 'decline' }]);
  });

  it('Hang up cancels an outbound call that is still ringing', async () => {
    const { user, commands } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'o1', state: 'early' })] }));
    const group = screen.getByRole('group', { name: '2000' });
    expect(within(group).queryByRole('button', { name: 'Answer' })).toBeNull();
    await user.click(within(group).getByRole('button', { name: 'Hang up' }));
    expect(commands.ofType('call.hangup')).toEqual([{ callId: 'o1' }]);
  });

  it('Hold, Mute and Hang up on a connected call; Resume and Unmute when held and muted', async () => {
    const { user, commands, push } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1', state: 'connected' })] }));
    let group = screen.getByRole('group', { name: '2000' });
    await user.click(within(group).getByRole('button', { name: 'Hold' }));
    await user.click(within(group).getByRole('button', { name: 'Mute' }));
    await user.click(within(group).getByRole('button', { name: 'Hang up' }));
    expect(commands.ofType('call.hold')).toEqual([{ callId: 'c1', hold: true }]);
    expect(commands.ofType('call.mute')).toEqual([{ callId: 'c1', mute: true }]);
    expect(commands.ofType('call.hangup')).toEqual([{ callId: 'c1' }]);

    push(makeSnapshot({ seq: 2, calls: [makeCall({ id: 'c1', state: 'held', muted: true })] }));
    group = screen.getByRole('group', { name: '2000' });
    expect(within(group).getByText('On hold')).toBeTruthy();
    expect(within(group).queryByRole('button', { name: 'Hold' })).toBeNull();
    await user.click(within(group).getByRole('button', { name: 'Resume' }));
    await user.click(within(group).getByRole('button', { name: 'Unmute' }));
    expect(commands.ofType('call.hold')).toEqual([{ callId: 'c1', hold: true }, { callId: 'c1', hold: false }]);
    expect(commands.ofType('call.mute')).toEqual([{ callId: 'c1', mute: true }, { callId: 'c1', mute: false }]);
  });

  it('Keypad opens digit buttons that send DTMF', async () => {
    const { user, commands } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1' })] }));
    const group = screen.getByRole('group', { name: '2000' });
    expect(within(group).queryByRole('button', { name: '5' })).toBeNull();
    await user.click(within(group).getByRole('button', { name: 'Keypad' }));
    for (const d of ['1', '5', '*', '#', '0']) await user.click(within(group).getByRole('button', { name: d }));
    expect(commands.ofType('call.dtmf')).toEqual(['1', '5', '*', '#', '0'].map((digits) => ({ callId: 'c1', digits })));
    // With focus on the keypad, typed digits go out too.
    await user.keyboard('9');
    expect(commands.ofType('call.dtmf').at(-1)).toEqual({ callId: 'c1', digits: '9' });
  });

  it('Transfer asks for a number and sends call.transfer', async () => {
    const { user, commands } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1' })] }));
    const group = screen.getByRole('group', { name: '2000' });
    await user.click(within(group).getByRole('button', { name: 'Transfer' }));
    await user.type(within(group).getByRole('textbox', { name: 'Transfer to' }), '4000{Enter}');
    expect(commands.ofType('call.transfer')).toEqual([{ callId: 'c1', target: '4000' }]);
    expect(within(group).queryByRole('textbox', { name: 'Transfer to' })).toBeNull();
  });

  it('Conference is disabled with one call, and with two live calls sends call.conference with both', async () => {
    const one = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1' })] }));
    expect((within(screen.getByRole('group', { name: '2000' })).getByRole('button', { name: 'Conference' }) as HTMLButtonElement).disabled).toBe(true);
    one.unmount();
    const { user, commands } = renderApp(
      makeSnapshot({
        calls: [
          makeCall({ id: 'c1', state: 'held' }),
          makeCall({ id: 'c2', remote: { number: '3000', uri: 'sip:3000@testbed.local' } }),
        ],
      }),
    );
    await user.click(within(screen.getByRole('group', { name: '3000' })).getByRole('button', { name: 'Conference' }));
    expect(commands.ofType('call.conference')).toEqual([{ callIds: ['c1', 'c2'] }]);
  });

  it('calls in a conference are shown together under a Conference heading', () => {
    renderApp(
      makeSnapshot({
        calls: [
          makeCall({ id: 'c1', conferenceId: 'k1' }),
          makeCall({ id: 'c2', remote: { number: '3000', uri: 'sip:3000@testbed.local' }, conferenceId: 'k1' }),
        ],
      }),
    );
    const section = screen.getByRole('region', { name: 'Conference' });
    expect(within(section).getByRole('group', { name: '2000' })).toBeTruthy();
    expect(within(section).getByRole('group', { name: '3000' })).toBeTruthy();
    expect(within(screen.getByRole('group', { name: '2000' })).getByText('In conference')).toBeTruthy();
  });

  it('a failed command is a readable error', async () => {
    const { user, commands } = renderApp(makeSnapshot({ calls: [makeCall({ id: 'c1' })] }));
    commands.answers.set('call.hold', { ok: false, error: 'the far end refused the re-INVITE (488)' });
    await user.click(screen.getByRole('button', { name: 'Hold' }));
    expect(screen.getByRole('alert').textContent).toContain('Hold failed: the far end refused the re-INVITE (488)');
  });
});

describe('agent state', () => {
  it('offers Ready, Not Ready with each reason, and After call work', async () => {
    const { user, commands } = renderApp();
    const combo = screen.getByRole('combobox', { name: 'Agent state' });
    const labels = within(combo)
      .getAllByRole('option')
      .map((o) => o.textContent);
    expect(labels).toEqual(['Ready', 'Not Ready', ...NOT_READY_REASONS.map((r) => `Not Ready — ${r}`), 'After call work']);
    expect((combo as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('Ready');
    await user.selectOptions(combo, 'Not Ready — Lunch');
    await user.selectOptions(combo, 'After call work');
    expect(commands.ofType('agent.setState')).toEqual([{ state: 'not-ready', reason: 'Lunch' }, { state: 'after-call-work' }]);
  });

  it('shows the state the core reports', () => {
    renderApp(makeSnapshot({ agent: { state: 'not-ready', reason: 'Break', since: 0 } }));
    const combo = screen.getByRole('combobox', { name: 'Agent state' }) as HTMLSelectElement;
    expect(combo.selectedOptions[0]?.textContent).toBe('Not Ready — Break');
  });
});

describe('history and missed calls', () => {
  it('lists recent calls with missed ones marked', () => {
    const now = Date.now();
    renderApp(
      makeSnapshot({
        history: [
          { callId: 'h1', direction: 'outbound', remote: { number: '2000', uri: 'sip:2000@x' }, startedAt: now - 600_000, durationSec: 42, missed: false },
          { callId: 'h2', direction: 'inbound', remote: { displayName: 'Carol', number: '5000', uri: 'sip:5000@x' }, startedAt: now - 60_000, durationSec: 0, missed: true },
        ],
      }),
    );
    const items = screen.getByRole('heading', { name: /Recent calls/ }).parentElement!.querySelectorAll('li');
    expect(items).toHaveLength(2);
    expect(items[0]!.textContent).toContain('Missed');
    expect(items[0]!.textContent).toContain('Carol');
    expect(items[1]!.textContent).toContain('2000');
    expect(screen.getByText(/1 missed/)).toBeTruthy();
  });
});

describe('problems the agent must see', () => {
  it('a microphone problem is an alert', () => {
    const { update } = renderApp();
    expect(screen.queryByRole('alert')).toBeNull();
    update((s) => s.setMicProblem('No microphone found — plug in your headset'));
    expect(screen.getByRole('alert').textContent).toContain('No microphone found');
  });

  it('a lost connection to the core says it is reconnecting', () => {
    const { update } = renderApp();
    update((s) => s.setConnection('reconnecting'));
    expect(screen.getByRole('alert').textContent).toBe('Connection to the phone service lost — reconnecting');
  });

  it('core notices appear as toasts', () => {
    const { update } = renderApp();
    update((s) => s.addNotice('error', 'Call to 404 failed: Not found'));
    expect(screen.getByRole('alert').textContent).toContain('Call to 404 failed: Not found');
  });
});
