import { homedir } from 'node:os';
import { join, normalize, sep } from 'node:path';

/**
 * The per-user data folder, the same one Electron's `app.getPath('userData')`
 * gives for this product name, so the app, the preview and the command line
 * share one set of mailboxes. MESH_DESKTOP_DATA_DIR overrides it (tests, or IT
 * running a second, separate setup).
 */
export function defaultDataFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MESH_DESKTOP_DATA_DIR) return env.MESH_DESKTOP_DATA_DIR;
  const name = 'MESH Desktop';
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
}

/** Where rotating log files go inside a data folder. */
export function logFolder(dataFolder: string): string {
  return join(dataFolder, 'logs');
}

/** The file under `root` for a URL path, or undefined if it would escape it. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  const candidate = normalize(join(root, urlPath));
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  return candidate.startsWith(base) ? candidate : undefined;
}
