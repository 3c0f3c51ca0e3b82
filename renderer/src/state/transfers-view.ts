/**
 * Transfers in words: what each one is doing, how far along it is, and which
 * buttons make sense for its state.
 */
import type { TransferState, TransferView } from '../../../main/contract';
import { formatBytes, formatDuration, formatRate, percentOf } from '../lib/format';
import type { TagColour } from './sent-view';

export type TransferAction = 'pause' | 'resume' | 'cancel' | 'retry';

const ACTIONS: Record<TransferState, TransferAction[]> = {
  queued: ['pause', 'cancel'],
  running: ['pause', 'cancel'],
  verifying: [],
  paused: ['resume', 'cancel'],
  failed: ['retry', 'cancel'],
  cancelled: ['retry'],
  done: [],
};

/** The buttons to offer for a transfer in its current state. */
export function transferActions(transfer: TransferView): TransferAction[] {
  return ACTIONS[transfer.state];
}

const STATE_WORDS: Record<TransferState, { label: string; colour: TagColour }> = {
  queued: { label: 'Waiting', colour: 'grey' },
  running: { label: 'In progress', colour: 'blue' },
  verifying: { label: 'Checking', colour: 'blue' },
  paused: { label: 'Paused', colour: 'yellow' },
  done: { label: 'Finished', colour: 'green' },
  failed: { label: 'Failed', colour: 'red' },
  cancelled: { label: 'Cancelled', colour: 'grey' },
};

/** The tag for a transfer's state. */
export function transferStateWords(state: TransferState): { label: string; colour: TagColour } {
  return STATE_WORDS[state];
}

/** What the transfer is, for its heading: "Sending report.csv to X26ABC1". */
export function transferHeading(transfer: TransferView): string {
  const verb = transfer.direction === 'upload' ? 'Sending' : 'Receiving';
  const preposition = transfer.direction === 'upload' ? 'to' : 'from';
  return transfer.counterpart ? `${verb} ${transfer.title} ${preposition} ${transfer.counterpart}` : `${verb} ${transfer.title}`;
}

/** The progress line: "450 MB of 1 GB · 4.5 MB per second · about 2 minutes left · part 3 of 12". */
export function transferProgressWords(transfer: TransferView): string {
  const parts: string[] = [];
  parts.push(
    transfer.bytesTotal === undefined
      ? `${formatBytes(transfer.bytesDone)} so far`
      : `${formatBytes(transfer.bytesDone)} of ${formatBytes(transfer.bytesTotal)}`,
  );
  if (transfer.state === 'running') {
    const rate = formatRate(transfer.rate);
    if (rate) parts.push(rate);
    const left = formatDuration(transfer.secondsLeft);
    if (left) parts.push(`${left} left`);
  }
  if (transfer.chunks > 1) parts.push(`part ${Math.max(1, transfer.chunk)} of ${transfer.chunks}`);
  return parts.join(' · ');
}

/** How complete a transfer is, 0–100; finished ones are 100, unknown totals undefined. */
export function transferPercent(transfer: TransferView): number | undefined {
  if (transfer.state === 'done') return 100;
  return percentOf(transfer.bytesDone, transfer.bytesTotal);
}

const ACTIVE: TransferState[] = ['running', 'verifying', 'queued', 'paused'];

/** Whether a transfer is still going (or waiting to). */
export function isActive(transfer: TransferView): boolean {
  return ACTIVE.includes(transfer.state);
}

/** Active transfers first (running, then waiting, then paused), then the rest newest first. */
export function orderTransfers(transfers: readonly TransferView[]): TransferView[] {
  const rank = (t: TransferView) => {
    const index = ACTIVE.indexOf(t.state);
    return index === -1 ? ACTIVE.length : index;
  };
  return [...transfers].sort((a, b) => rank(a) - rank(b) || b.updatedAt.localeCompare(a.updatedAt));
}

/** Puts one updated transfer into the list, replacing the old copy or adding it. */
export function upsertTransfer(transfers: readonly TransferView[], update: TransferView): TransferView[] {
  const index = transfers.findIndex((t) => t.id === update.id);
  if (index === -1) return [...transfers, update];
  const next = [...transfers];
  next[index] = update;
  return next;
}
