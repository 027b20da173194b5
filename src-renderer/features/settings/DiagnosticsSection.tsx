import { useApp } from '../../store/context';

export function DiagnosticsSection() {
  const { diagnostics, saveDiagnostics } = useApp((s) => ({ diagnostics: s.diagnostics, saveDiagnostics: s.saveDiagnostics }));
  return (
    <section className="diagnostics" aria-labelledby="diagnostics-title">
      <h3 id="diagnostics-title">Diagnostics</h3>
      <button type="button" disabled={diagnostics.status === 'saving'} onClick={() => void saveDiagnostics()}>
        Save diagnostics
      </button>
      <p aria-live="polite" className="diagnostics-result">
        {diagnostics.status === 'saving' && 'Saving diagnostics…'}
        {diagnostics.status === 'saved' &&
          (diagnostics.location ? `Diagnostics saved to ${diagnostics.location}` : 'Diagnostics saved')}
      </p>
      {diagnostics.status === 'failed' && (
        <p className="field-error" role="alert">
          Saving diagnostics failed: {diagnostics.error}
        </p>
      )}
    </section>
  );
}
