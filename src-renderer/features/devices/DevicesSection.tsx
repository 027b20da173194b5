// Microphone / speaker / ringer choice (applied at once, remembered by name), level meter,
// speaker test and echo test.
import type { DeviceKind, DeviceOption } from '../../store/devices-slice';
import { useApp } from '../../store/context';
import { LevelMeter } from './LevelMeter';

const LABELS: Record<DeviceKind, string> = { microphone: 'Microphone', speaker: 'Speaker', ringer: 'Ringer' };

export function DevicesSection() {
  const d = useApp((s) => ({
    inputs: s.inputs,
    outputs: s.outputs,
    selected: s.selected,
    remembered: s.remembered,
    chooseDevice: s.chooseDevice,
    testSpeaker: s.testSpeaker,
    echoTestRunning: s.echoTestRunning,
    toggleEchoTest: s.toggleEchoTest,
  }));

  function deviceSelect(kind: DeviceKind, options: DeviceOption[]) {
    const id = `device-${kind}`;
    const wanted = d.remembered[kind];
    const missing = wanted && !options.some((o) => o.label === wanted);
    return (
      <div className="field">
        <label htmlFor={id}>{LABELS[kind]}</label>
        <select
          id={id}
          value={d.selected[kind]}
          aria-describedby={missing ? `${id}-missing` : undefined}
          onChange={(e) => d.chooseDevice(kind, e.target.value)}
        >
          <option value="">System default</option>
          {options.map((o) => (
            <option key={o.deviceId} value={o.deviceId}>
              {o.label}
            </option>
          ))}
        </select>
        {missing && (
          <p className="field-hint" id={`${id}-missing`}>
            {wanted} is not connected; it will be used again when you plug it in.
          </p>
        )}
      </div>
    );
  }

  return (
    <section className="devices" aria-labelledby="devices-title">
      <h3 id="devices-title">Audio devices</h3>
      {deviceSelect('microphone', d.inputs)}
      <LevelMeter />
      {deviceSelect('speaker', d.outputs)}
      {deviceSelect('ringer', d.outputs)}
      <div className="button-row">
        <button type="button" onClick={() => void d.testSpeaker()}>
          Test speaker
        </button>
        <button type="button" aria-pressed={d.echoTestRunning} onClick={() => void d.toggleEchoTest()}>
          Echo test
        </button>
      </div>
      <p aria-live="polite" className="field-hint">
        {d.echoTestRunning ? 'Echo test running: speak, you should hear yourself. Press Echo test again to stop.' : ''}
      </p>
    </section>
  );
}
