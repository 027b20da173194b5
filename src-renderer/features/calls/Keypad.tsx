// DTMF keypad for one call: each key sends its digit as RFC 4733 via the core. With focus in
// the keypad, typing a digit on the keyboard sends it too.
import { useApp } from '../../store/context';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Keypad({ callId }: { callId: string }) {
  const sendDtmf = useApp((s) => s.sendDtmf);
  return (
    <div
      className="keypad"
      id={`keypad-${callId}`}
      onKeyDown={(e) => {
        if (KEYS.includes(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          void sendDtmf(callId, e.key);
        }
      }}
    >
      {KEYS.map((k) => (
        <button key={k} type="button" className="key" onClick={() => void sendDtmf(callId, k)}>
          {k}
        </button>
      ))}
    </div>
  );
}
