/**
 * When a client certificate needs attention: pure date arithmetic and the
 * sentences people see.
 */

/** Warn this many days before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

export type CertificateStatus = 'valid' | 'expiring-soon' | 'expired' | 'not-yet-valid';

export type CertificateWarning =
  { level: 'none' } | { level: 'warning'; daysLeft: number; message: string } | { level: 'blocked'; message: string };

/** A date as people in England write it, such as "3 March 2026" (UK time). */
export function formatUkDate(date: Date): string {
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
}

/** Whole days from `now` until `notAfter`: 0 within the last day, negative once expired. */
export function daysUntilExpiry(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** True when the certificate's last valid moment has passed. */
export function isExpired(notAfter: Date, now: Date): boolean {
  return now.getTime() > notAfter.getTime();
}

/** True when `now` is inside the warning window before expiry (and not yet expired). */
export function isExpiringSoon(notAfter: Date, now: Date): boolean {
  return !isExpired(notAfter, now) && notAfter.getTime() - now.getTime() <= EXPIRY_WARNING_DAYS * DAY_MS;
}

/** Where a certificate is in its life at `now`. */
export function certificateStatus(notBefore: Date, notAfter: Date, now: Date): CertificateStatus {
  if (now.getTime() < notBefore.getTime()) return 'not-yet-valid';
  if (isExpired(notAfter, now)) return 'expired';
  if (isExpiringSoon(notAfter, now)) return 'expiring-soon';
  return 'valid';
}

function inDays(days: number): string {
  if (days <= 0) return 'within a day';
  if (days === 1) return 'in 1 day';
  return `in ${days} days`;
}

/**
 * Nothing to say until 30 days before expiry; then a warning with the days
 * left; after expiry, blocked (MESH refuses an expired certificate).
 */
export function certificateWarning(notAfter: Date, now: Date): CertificateWarning {
  const date = formatUkDate(notAfter);
  if (isExpired(notAfter, now)) {
    return {
      level: 'blocked',
      message: `Your MESH certificate expired on ${date}, so MESH Desktop cannot connect to this mailbox. Ask your IT service desk for a new certificate, then import it in Settings.`,
    };
  }
  if (isExpiringSoon(notAfter, now)) {
    const daysLeft = Math.max(0, daysUntilExpiry(notAfter, now));
    return {
      level: 'warning',
      daysLeft,
      message: `Your MESH certificate expires ${inDays(daysLeft)} (on ${date}). Ask your IT service desk for a new one now, so that sending and receiving do not stop.`,
    };
  }
  return { level: 'none' };
}
