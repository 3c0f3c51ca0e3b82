import type { ReactNode } from 'react';

/** The words shown beside any setting IT has locked by machine policy. */
export const MANAGED_WORDS = 'Set by your IT department. You cannot change this here.';

interface FieldBase {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Locked by machine policy: shown, explained, not editable. */
  managed?: boolean;
  disabled?: boolean;
  className?: string;
}

function describedBy(id: string, hint: unknown, error: unknown, managed: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', managed ? `${id}-managed` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Hint({ id, hint, managed }: { id: string; hint?: ReactNode; managed?: boolean }) {
  return (
    <>
      {hint && (
        <div className="nhsuk-hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {managed && (
        <div className="nhsuk-hint app-managed" id={`${id}-managed`}>
          <strong className="nhsuk-tag nhsuk-tag--grey">Managed</strong> {MANAGED_WORDS}
        </div>
      )}
    </>
  );
}

export function ErrorMessage({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <span className="nhsuk-error-message" id={`${id}-error`}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {error}
    </span>
  );
}

interface TextFieldProps extends FieldBase {
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'password' | 'number' | 'search' | 'url';
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30 | 'full';
  autoComplete?: string;
  spellCheck?: boolean;
  inputMode?: 'numeric' | 'text';
  min?: number;
  max?: number;
  maxLength?: number;
  code?: boolean;
}

/** An NHS text input with its label, hint, policy note and error, all linked for screen readers. */
export function TextField(props: TextFieldProps) {
  const {
    id,
    label,
    hint,
    error,
    managed,
    disabled,
    value,
    onChange,
    type = 'text',
    width,
    autoComplete = 'off',
    spellCheck,
    inputMode,
    min,
    max,
    maxLength,
    code,
    className,
  } = props;
  const widthClass = width === 'full' ? ' nhsuk-u-width-full' : width ? ` nhsuk-input--width-${width}` : '';
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}${className ? ` ${className}` : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} managed={managed} />
      <ErrorMessage id={id} error={error} />
      <input
        className={`nhsuk-input${widthClass}${error ? ' nhsuk-input--error' : ''}${code ? ' nhsuk-input--code' : ''}`}
        id={id}
        name={id}
        type={type}
        value={value}
        disabled={disabled || managed}
        aria-describedby={describedBy(id, hint, error, managed)}
        aria-invalid={error ? true : undefined}
        autoComplete={autoComplete}
        spellCheck={spellCheck ?? false}
        inputMode={inputMode}
        min={min}
        max={max}
        maxLength={maxLength}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

interface SelectFieldProps extends FieldBase {
  value: string;
  onChange(value: string): void;
  options: { value: string; label: string }[];
}

/** An NHS select with its label and hint. */
export function SelectField({ id, label, hint, error, managed, disabled, value, onChange, options, className }: SelectFieldProps) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}${className ? ` ${className}` : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      <Hint id={id} hint={hint} managed={managed} />
      <ErrorMessage id={id} error={error} />
      <select
        className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`}
        id={id}
        name={id}
        value={value}
        disabled={disabled || managed}
        aria-describedby={describedBy(id, hint, error, managed)}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface RadiosProps<V extends string> extends FieldBase {
  value: V | '';
  onChange(value: V): void;
  options: { value: V; label: string; hint?: string; disabled?: boolean }[];
  inline?: boolean;
  small?: boolean;
  /** Content shown under the chosen option (a conditional reveal). */
  reveal?: Partial<Record<V, ReactNode>>;
}

/** NHS radios in a fieldset; the first radio carries the id so error links land on it. */
export function Radios<V extends string>({
  id,
  label,
  hint,
  error,
  managed,
  disabled,
  value,
  onChange,
  options,
  inline,
  small,
  reveal,
  className,
}: RadiosProps<V>) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}${className ? ` ${className}` : ''}`}>
      <fieldset className="nhsuk-fieldset" aria-describedby={describedBy(id, hint, error, managed)}>
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{label}</legend>
        <Hint id={id} hint={hint} managed={managed} />
        <ErrorMessage id={id} error={error} />
        <div className={`nhsuk-radios${inline ? ' nhsuk-radios--inline' : ''}${small ? ' nhsuk-radios--small' : ''}`}>
          {options.map((option, index) => {
            const optionId = index === 0 ? id : `${id}-${option.value}`;
            const revealed = reveal?.[option.value];
            return (
              <div key={option.value}>
                <div className="nhsuk-radios__item">
                  <input
                    className="nhsuk-radios__input"
                    id={optionId}
                    name={id}
                    type="radio"
                    value={option.value}
                    checked={value === option.value}
                    disabled={disabled || managed || option.disabled}
                    aria-describedby={option.hint ? `${optionId}-item-hint` : undefined}
                    onChange={() => onChange(option.value)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={optionId}>
                    {option.label}
                  </label>
                  {option.hint && (
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${optionId}-item-hint`}>
                      {option.hint}
                    </div>
                  )}
                </div>
                {revealed && value === option.value && <div className="nhsuk-radios__conditional">{revealed}</div>}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

interface CheckboxProps extends FieldBase {
  checked: boolean;
  onChange(checked: boolean): void;
}

/** A single NHS checkbox. */
export function Checkbox({ id, label, hint, managed, disabled, checked, onChange, className }: CheckboxProps) {
  return (
    <div className={`nhsuk-form-group${className ? ` ${className}` : ''}`}>
      <div className="nhsuk-checkboxes">
        <div className="nhsuk-checkboxes__item">
          <input
            className="nhsuk-checkboxes__input"
            id={id}
            name={id}
            type="checkbox"
            checked={checked}
            disabled={disabled || managed}
            aria-describedby={describedBy(id, hint, undefined, managed)}
            onChange={(event) => onChange(event.target.checked)}
          />
          <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
            {label}
          </label>
          <Hint id={id} hint={hint} managed={managed} />
        </div>
      </div>
    </div>
  );
}

/** The search box that opens a list's filter row: label, box, and a hint a screen reader hears saying what it looks through. */
export function FilterSearch({
  id,
  hint,
  value,
  onChange,
}: {
  id: string;
  hint: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <>
      <label className="app-filters__label" htmlFor={id}>
        Search
      </label>
      <input
        id={id}
        className="nhsuk-input app-filters__search"
        type="search"
        aria-describedby={`${id}-hint`}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      <span id={`${id}-hint`} className="nhsuk-u-visually-hidden">
        {hint}
      </span>
    </>
  );
}
