import type { ReactNode } from 'react';
import type { TagColour } from '../state/sent-view';
import type { Outcome } from '../state/inbox-store';

/** An NHS tag ("Not delivered", "Training"). */
export function Tag({ colour, children, className }: { colour: TagColour | 'purple' | 'white'; children: ReactNode; className?: string }) {
  return <strong className={`nhsuk-tag nhsuk-tag--${colour}${className ? ` ${className}` : ''}`}>{children}</strong>;
}

export interface SummaryRow {
  key: string;
  label: ReactNode;
  value: ReactNode;
}

/** An NHS summary list: label on the left, value on the right. */
export function SummaryList({ rows, label, className }: { rows: SummaryRow[]; label?: string; className?: string }) {
  return (
    <dl className={`nhsuk-summary-list${className ? ` ${className}` : ''}`} aria-label={label}>
      {rows.map((row) => (
        <div className="nhsuk-summary-list__row" key={row.key}>
          <dt className="nhsuk-summary-list__key">{row.label}</dt>
          <dd className="nhsuk-summary-list__value">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A success or failure message after an action, with a button to put it away. */
export function OutcomeMessage({ outcome, onDismiss }: { outcome: Outcome; onDismiss(): void }) {
  const success = outcome.kind === 'success';
  return (
    <div className={`app-outcome app-outcome--${outcome.kind}`} role={success ? 'status' : 'alert'}>
      <p className="app-outcome__title">{outcome.title}</p>
      {outcome.lines.map((line) => (
        <p key={line} className="nhsuk-body-s nhsuk-u-margin-bottom-1">
          {line}
        </p>
      ))}
      <button type="button" className="app-link-button nhsuk-body-s" onClick={onDismiss}>
        Dismiss <span className="nhsuk-u-visually-hidden">this message</span>
      </button>
    </div>
  );
}

/** A progress bar screen readers understand: role=progressbar with its value and words. */
export function ProgressBar({ percent, label, valueText }: { percent: number | undefined; label: string; valueText: string }) {
  return (
    <div
      className={`app-progress${percent === undefined ? ' app-progress--unknown' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={valueText}
    >
      {/* The width is set through the DOM (React's style prop), which the CSP allows. */}
      <div className="app-progress__bar" style={{ width: `${percent ?? 0}%` }} />
    </div>
  );
}

/** An NHS warning callout. */
export function WarningCallout({ heading, children, headingLevel = 2 }: { heading: string; children: ReactNode; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="nhsuk-card nhsuk-card--warning">
      <div className="nhsuk-card__content">
        <Heading className="nhsuk-card__heading nhsuk-heading-s">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          {heading}
        </Heading>
        {children}
      </div>
    </div>
  );
}

/** A link-looking button for in-app actions that are not navigation. */
export function LinkButton({ children, onClick, className }: { children: ReactNode; onClick(): void; className?: string }) {
  return (
    <button type="button" className={`app-link-button${className ? ` ${className}` : ''}`} onClick={onClick}>
      {children}
    </button>
  );
}

/** Something could not be loaded from main: what, why, and a way to try again. */
export function LoadFailed({ title, message, onRetry }: { title: string; message: string; onRetry(): void }) {
  return (
    <div className="app-outcome app-outcome--error" role="alert">
      <p className="app-outcome__title">{title}</p>
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">{message}</p>
      <button type="button" className="app-link-button nhsuk-body-s" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
