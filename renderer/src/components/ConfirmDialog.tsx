import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';

/**
 * An "are you sure?" step as a modal dialog over the window (not window.confirm,
 * which cannot be styled or read well, and not content pushed into a narrow pane):
 * focus moves to its heading and stays inside it, Escape and Cancel back out, and
 * both buttons are in view whatever the window's size. Focus goes back to where it
 * was when the dialog closes.
 */
export function ConfirmDialog(props: {
  id: string;
  title: string;
  /** The consequence, in one sentence or two. */
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const { onCancel, busy } = props;

  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    // Everything behind the dialog is out of reach (and out of the screen reader's reading) while it is open.
    const behind = document.getElementById('root');
    behind?.setAttribute('inert', '');
    heading.current?.focus();
    return () => {
      behind?.removeAttribute('inert');
      // Back where the person was, if that is still on the page.
      if (before?.isConnected) before.focus();
    };
  }, []);

  // Escape is Cancel wherever focus has got to (a click on the backdrop leaves it on the page's body).
  useEffect(() => {
    const onEscape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      if (!busy) onCancel();
    };
    document.addEventListener('keydown', onEscape, true);
    return () => document.removeEventListener('keydown', onEscape, true);
  }, [busy, onCancel]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Tab' || !dialog.current) return;
    // Keep Tab inside the dialog: from the last control back to the first, and the other way.
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === heading.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className="app-dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && !busy && onCancel()}>
      <div
        className="app-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${props.id}-title`}
        aria-describedby={`${props.id}-body`}
        ref={dialog}
        onKeyDown={onKeyDown}
      >
        <h2 className="nhsuk-heading-m app-dialog__title" id={`${props.id}-title`} tabIndex={-1} ref={heading}>
          {props.title}
        </h2>
        <div className="app-dialog__body" id={`${props.id}-body`}>
          {props.children}
        </div>
        <div className="app-button-row app-dialog__buttons">
          <button type="button" className="nhsuk-button nhsuk-button--warning" disabled={props.busy} onClick={props.onConfirm}>
            {props.busy ? 'Please wait…' : props.confirmLabel}
          </button>
          <button type="button" className="nhsuk-button nhsuk-button--secondary" disabled={props.busy} onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
