declare const __APP_VERSION__: string | undefined;

/** The app's version from package.json, fixed at build time. */
export const APP_VERSION: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';

export const PRODUCT_NAME = 'MESH Desktop';
