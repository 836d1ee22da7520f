import { useId, type ReactNode } from 'react';
import type { EngineText } from '../i18n/engine-text.js';

/** A validation message: plain text, or a translated engine message with the engine's words as detail. */
export type FieldMessage = string | EngineText;

/** The message's text; the engine's original words (if translated) become its tooltip. */
export function FieldErrorText({ message, id }: { message: FieldMessage; id?: string }) {
  const m = typeof message === 'string' ? { text: message } : message;
  return (
    <p id={id} className="field-error" role="alert" title={m.detail}>
      {m.text}
    </p>
  );
}

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldMessage | undefined;
  /** Extra class, e.g. 'field-wide'. */
  className?: string;
  /** Renders the control with the ids that tie it to its label, hint and error. */
  children: (control: ControlProps) => ReactNode;
}

/** A labelled control with its hint and validation message (announced to screen readers via aria-describedby). */
export function Field({ label, hint, error, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field-label">{label}</label>
      {children({ id, ...(describedBy ? { 'aria-describedby': describedBy } : {}), ...(error ? { 'aria-invalid': true } : {}) })}
      {hint && <p id={hintId} className="field-hint">{hint}</p>}
      {error && <FieldErrorText id={errorId} message={error} />}
    </div>
  );
}

interface CheckboxProps {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
  disabled?: boolean;
  disabledReason?: string | undefined;
}

export function Checkbox({ label, checked, onChange, hint, disabled, disabledReason }: CheckboxProps) {
  const id = useId();
  const note = disabled && disabledReason ? disabledReason : hint;
  return (
    <div className={`check${disabled ? ' check-disabled' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        {...(note ? { 'aria-describedby': `${id}-note` } : {})}
      />
      <label htmlFor={id}>{label}</label>
      {note && <p id={`${id}-note`} className="field-hint">{note}</p>}
    </div>
  );
}

interface RadioGroupProps<V extends string> {
  legend: ReactNode;
  name: string;
  value: V;
  options: readonly { value: V; label: ReactNode; hint?: ReactNode }[];
  onChange: (v: V) => void;
}

export function RadioGroup<V extends string>({ legend, name, value, options, onChange }: RadioGroupProps<V>) {
  const id = useId();
  return (
    <fieldset className="radio-group">
      <legend className="field-label">{legend}</legend>
      {options.map((o) => (
        <div className="check" key={o.value}>
          <input
            id={`${id}-${o.value}`}
            type="radio"
            name={`${name}-${id}`}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
            {...(o.hint ? { 'aria-describedby': `${id}-${o.value}-hint` } : {})}
          />
          <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
          {o.hint && <p id={`${id}-${o.value}-hint`} className="field-hint">{o.hint}</p>}
        </div>
      ))}
    </fieldset>
  );
}
