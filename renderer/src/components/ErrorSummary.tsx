import { useEffect, useRef } from 'react';
import type { FieldError } from '../state/compose-form';

/**
 * The NHS error summary: "There is a problem" and a link to each field. It
 * takes focus when it appears so keyboard and screen-reader users land on it.
 */
export function ErrorSummary({
  errors,
  title = 'There is a problem',
  focusKey,
}: {
  errors: FieldError[];
  title?: string;
  focusKey?: unknown;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = errors.length > 0;
  useEffect(() => {
    if (shown) ref.current?.focus();
    // focusKey lets a repeated failed attempt move focus back to the summary.
  }, [shown, focusKey]);
  if (!shown) return null;
  return (
    <div className="nhsuk-error-summary" ref={ref} tabIndex={-1} aria-labelledby="error-summary-title">
      <div role="alert">
        <h2 className="nhsuk-error-summary__heading" id="error-summary-title">
          {title}
        </h2>
        <div className="nhsuk-error-summary__body">
          <ul className="nhsuk-list nhsuk-error-summary__list">
            {errors.map((error) => (
              <li key={`${error.field}:${error.message}`}>
                <a
                  href={`#${error.field}`}
                  onClick={(event) => {
                    // Move focus to the field itself: in-page hash links do not focus inputs in every browser.
                    event.preventDefault();
                    document.getElementById(error.field)?.focus();
                  }}
                >
                  {error.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

/** The first error for a field, if any. */
export function errorFor(errors: readonly FieldError[], field: string): string | undefined {
  return errors.find((error) => error.field === field)?.message;
}
