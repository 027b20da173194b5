// Blind transfer: asks for the target number, then sends call.transfer.
import { useState, type FormEvent } from 'react';
import { useApp } from '../../store/context';

export function TransferForm({ callId }: { callId: string }) {
  const { transfer, toggleTransfer } = useApp((s) => ({ transfer: s.transfer, toggleTransfer: s.toggleTransfer }));
  const [target, setTarget] = useState('');
  const inputId = `transfer-target-${callId}`;

  function submit(e: FormEvent) {
    e.preventDefault();
    void transfer(callId, target);
  }

  return (
    <form className="transfer-form" id={`transfer-${callId}`} onSubmit={submit}>
      <label htmlFor={inputId}>Transfer to</label>
      <input
        id={inputId}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        autoFocus
        value={target}
        onChange={(e) => setTarget(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') toggleTransfer(callId);
        }}
      />
      <button type="submit">Send</button>
      <button type="button" onClick={() => toggleTransfer(callId)}>
        Cancel
      </button>
    </form>
  );
}
