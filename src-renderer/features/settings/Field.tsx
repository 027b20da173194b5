// One labelled input with its IT-lock note and field errors wired through aria-describedby.
import type { ReactNode } from 'react';

export interface FieldProps {
  id: string;
  label: string;
  locked: boolean;
  errors: readonly string[];
  hint?: ReactNode;
  /** Renders the control with the ids and ARIA attributes it must carry. */
  children: (aria: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true }) => ReactNode;
}

export function Field({ id, label, locked, errors, hint, children }: FieldProps) {
  const describedBy = [hint ? `${id}-hint` : '', locked ? `${id}-locked` : '', errors.length > 0 ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${errors.length > 0 ? ' field-invalid' : ''}${locked ? ' field-locked' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(errors.length > 0 ? { 'aria-invalid': true as const } : {}) })}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {locked && (
        <p className="field-locked-note" id={`${id}-locked`}>
          Set by your IT department
        </p>
      )}
      {errors.length > 0 && (
        <p className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

export function CheckField({
  id,
  label,
  checked,
  locked,
  errors,
  onChange,
}: {
  id: string;
  label: string;
  checked: boolean;
  locked: boolean;
  errors: readonly string[];
  onChange: (v: boolean) => void;
}) {
  const describedBy = [locked ? `${id}-locked` : '', errors.length > 0 ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="check-field">
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={locked}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      {locked && (
        <span className="field-locked-note" id={`${id}-locked`}>
          Set by your IT department
        </span>
      )}
      {errors.length > 0 && (
        <p className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}
