/**
 * The app's own pages may load only their own scripts and styles, and talk
 * only to their own origin (the preview bridge). No inline script, no eval, no
 * remote anything: the renderer has no network of its own.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
