// What the journeys share: starting the training sandbox as a newcomer would,
// moving around the window by its names, and files made and checked from Node.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expect, type Locator, type Page } from '@playwright/test';

/** The demo mailboxes, as the window names them. */
export const GP = { id: 'B86001OT01', name: 'Riverside Medical Practice' } as const;
export const HOSPITAL = { id: 'RR8OT001', name: 'Northgate Teaching Hospitals - Discharge Office' } as const;
export const CARE_HOME = { id: 'VN1AAOT1', name: 'Meadowbank Care Home' } as const;
type Demo = typeof GP | typeof HOSPITAL | typeof CARE_HOME;

/** The sidebar: New message, the mailboxes and the folders. */
export function sidebar(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Mailboxes and folders' });
}

/** Opens a folder (Inbox, Sent, Transfers, Activity, Settings) from the sidebar and waits for its heading. */
export async function openFolder(page: Page, folder: 'Inbox' | 'Sent' | 'Transfers' | 'Activity' | 'Settings'): Promise<void> {
  await sidebar(page).getByRole('list', { name: 'Folders' }).getByRole('button', { name: folder, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: folder })).toBeVisible();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** The sidebar button of a demo mailbox. */
export function mailboxButton(page: Page, mailbox: Demo): Locator {
  return sidebar(page)
    .getByRole('list', { name: 'Mailboxes' })
    .getByRole('button', { name: new RegExp(`^${escapeRegExp(mailbox.name)} ${mailbox.id}`) });
}

/** Makes a demo mailbox the active one. */
export async function switchTo(page: Page, mailbox: Demo): Promise<void> {
  await mailboxButton(page, mailbox).click();
  await expect(mailboxButton(page, mailbox)).toHaveAttribute('aria-current', 'true');
}

/** From the welcome screen: "Try the training sandbox", then wait for the GP's inbox. */
export async function startTrainingSandbox(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Try the training sandbox' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Inbox' })).toBeVisible();
  await expect(mailboxButton(page, GP)).toHaveAttribute('aria-current', 'true');
  // The offer to turn on notifications is answered once, as a person would, so it covers nothing later.
  await page.getByRole('button', { name: 'Not now' }).click();
}

/** The inbox's message grid for a mailbox. */
export function inboxGrid(page: Page, mailbox: Demo): Locator {
  return page.getByRole('grid', { name: `Messages in ${mailbox.name}` });
}

/** The pane showing the selected inbox message. */
export function selectedMessage(page: Page): Locator {
  return page.getByRole('region', { name: 'Selected message' });
}

/** Writes a file of `megabytes` MiB made of one random 1 MiB block repeated (streamed: memory stays flat). */
export async function makeFile(path: string, megabytes: number): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const block = randomBytes(1024 * 1024);
  const handle = await open(path, 'w');
  try {
    for (let i = 0; i < megabytes; i++) await handle.write(block);
  } finally {
    await handle.close();
  }
  return path;
}

/** The SHA-256 of a file, read as a stream. */
export async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The app's running training sandbox: where it listens and the admin token it wrote for this run. */
export interface TrainingSandboxAccess {
  url: string;
  adminToken: string;
}

/**
 * Where the app's training sandbox listens. The app writes it to its log when
 * the sandbox starts, and its admin token to a file only this user can read
 * (pages cannot reach either); the tests use the sandbox's own admin API (on
 * 127.0.0.1) only to make MESH do what it does on its own over days.
 */
export async function trainingSandbox(dataFolder: string): Promise<TrainingSandboxAccess> {
  const log = await readFile(join(dataFolder, 'logs', 'mesh-desktop.log'), 'utf8');
  const line = log
    .split('\n')
    .filter((entry) => entry.includes('"Training sandbox started"'))
    .pop();
  const url = line ? (JSON.parse(line) as { detail?: { url?: string } }).detail?.url : undefined;
  if (!url || !url.startsWith('http://127.0.0.1:')) throw new Error(`The training sandbox's address is not in the log:\n${log}`);
  const adminToken = (await readFile(join(dataFolder, 'training-sandbox', 'admin-token'), 'utf8')).trim();
  if (!adminToken) throw new Error('The training sandbox wrote no admin token.');
  return { url, adminToken };
}

/** Calls the training sandbox's admin API, with its token, and returns its JSON answer. */
export async function sandboxAdmin(sandbox: TrainingSandboxAccess, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sandbox-admin-token': sandbox.adminToken },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
