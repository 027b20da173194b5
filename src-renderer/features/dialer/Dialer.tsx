// Dial string and the Call button; Enter in the box dials too (it is a form).
import type { FormEvent } from 'react';
import { useApp } from '../../store/context';

export function Dialer() {
  const { dialString, setDialString, dial } = useApp((s) => ({ dialString: s.dialString, setDialString: s.setDialString, dial: s.dial }));

  function submit(e: FormEvent) {
    e.preventDefault();
    void dial();
  }

  return (
    <form className="dialer" onSubmit={submit}>
      <label htmlFor="dial-number">Number</label>
      <div className="dialer-row">
        <input
          id="dial-number"
          type="text"
          inputMode="tel"
          autoComplete="off"
          spellCheck={false}
          placeholder="Number or SIP address"
          value={dialString}
          onChange={(e) => setDialString(e.target.value)}
        />
        <button type="submit" className="btn-call">
          Call
        </button>
      </div>
    </form>
  );
}
