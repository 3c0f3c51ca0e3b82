import { useEffect } from 'react';
import { useToastStore, type Toast } from '../state/toast-store';
import { useNotificationStore } from '../state/notifications';

// Information fades on its own; warnings and errors stay until dismissed, so nobody misses them.
const INFO_LIFETIME_MS = 10_000;

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useToastStore((s) => s.dismiss);
  useEffect(() => {
    if (toast.level !== 'info' && toast.level !== 'success') return;
    const timer = window.setTimeout(() => dismiss(toast.id), INFO_LIFETIME_MS);
    return () => window.clearTimeout(timer);
  }, [toast, dismiss]);
  return (
    <li className={`app-toast app-toast--${toast.level}`}>
      <div>
        {toast.title && <p className="app-toast__title">{toast.title}</p>}
        <p className="app-toast__message">{toast.message}</p>
      </div>
      <button type="button" className="app-toast__close" onClick={() => dismiss(toast.id)}>
        Dismiss <span className="nhsuk-u-visually-hidden">message: {toast.title ?? toast.message}</span>
      </button>
    </li>
  );
}

/** Short messages in the corner of the window, read out politely by screen readers. */
export function Toasts() {
  const toasts = useToastStore((s) => s.toasts);
  const offerPermission = useNotificationStore((s) => s.offerPermission);
  const requestPermission = useNotificationStore((s) => s.requestPermission);
  const declinePermission = useNotificationStore((s) => s.declinePermission);
  return (
    <div className="app-toasts">
      {offerPermission && (
        <section className="app-toast app-toast--question" aria-labelledby="notification-offer-title">
          <div>
            <h2 className="app-toast__title" id="notification-offer-title">
              Get told when files arrive?
            </h2>
            <p className="app-toast__message">
              MESH Desktop can show a message on your screen when files arrive or a send fails, even while you work in other programs.
            </p>
            <div className="app-button-row">
              <button
                type="button"
                className="nhsuk-button nhsuk-button--small nhsuk-u-margin-bottom-0"
                onClick={() => void requestPermission()}
              >
                Turn on notifications
              </button>
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                onClick={declinePermission}
              >
                Not now
              </button>
            </div>
          </div>
        </section>
      )}
      <div role="status" aria-live="polite" aria-label="Messages from MESH Desktop">
        <ul className="app-toasts__list">
          {toasts.map((toast) => (
            <ToastItem key={toast.id} toast={toast} />
          ))}
        </ul>
      </div>
    </div>
  );
}
