// Browser script for the inbox benchmark (built to an IIFE by inbox.ts, never
// run by Node), loaded before the app: marks when the first message row
// appears and when the frame holding it has been painted, and records frame
// times, long animation frames and long tasks while the list scrolls.
//
// "Painted" is the first task after the requestAnimationFrame that follows the
// row's insertion: rendering (style, layout, paint) runs between the two.

export const FIRST_ROW_MARK = 'bench:first-row';
export const FIRST_ROW_PAINTED_MARK = 'bench:first-row-painted';
const ROW_SELECTOR = 'tr.app-table__row';

/** One long animation frame and where its time went: scripts, then style and layout (paint is the rest). */
export interface LongFrame {
  duration: number;
  blockingDuration: number;
  scriptMs: number;
  styleAndLayoutMs: number;
}

interface LongAnimationFrameEntry extends PerformanceEntry {
  blockingDuration?: number;
  styleAndLayoutStart?: number;
  scripts?: { duration: number }[];
}

function longFrame(entry: PerformanceEntry): LongFrame {
  const frame = entry as LongAnimationFrameEntry;
  const end = frame.startTime + frame.duration;
  return {
    duration: frame.duration,
    blockingDuration: frame.blockingDuration ?? 0,
    scriptMs: (frame.scripts ?? []).reduce((sum, script) => sum + script.duration, 0),
    styleAndLayoutMs: frame.styleAndLayoutStart ? Math.max(0, end - frame.styleAndLayoutStart) : 0,
  };
}

/** What one recording saw. Times in milliseconds. */
export interface FrameRecording {
  /** Time between consecutive animation frames (requestAnimationFrame timestamps). */
  frameTimes: number[];
  /** Long Animation Frames API entries (frames over 50 ms), where the browser has it. */
  longAnimationFrames: LongFrame[];
  /** Long tasks (over 50 ms). */
  longTasks: number[];
  supported: { longAnimationFrame: boolean; longTask: boolean };
}

/** Where a programmatic scroll got to. */
export interface ScrollOutcome {
  /** The highest aria-rowindex rendered once the list was at its bottom (0 if it never got there). */
  lastRowIndexAtBottom: number;
  milliseconds: number;
}

/** What the probe offers the benchmark through `window.__inboxBench`. */
export interface InboxBenchProbe {
  startRecording(): void;
  stopRecording(): FrameRecording;
  /** Moves the list's scrollTop by `step` pixels each frame for `frames` frames, turning back at either end. */
  scrollInSteps(step: number, frames: number): Promise<ScrollOutcome>;
  /** The highest aria-rowindex rendered now. */
  lastRenderedRowIndex(): number;
  scroller(): { scrollTop: number; maxScrollTop: number };
}

declare global {
  interface Window {
    __inboxBench?: InboxBenchProbe;
  }
}

function nextFrame(): Promise<number> {
  return new Promise((resolve) => requestAnimationFrame(resolve));
}

function listElement(): HTMLElement {
  const element = document.querySelector<HTMLElement>('.app-table-scroll');
  if (!element) throw new Error('The message list is not on the page.');
  return element;
}

function lastRenderedRowIndex(): number {
  let highest = 0;
  for (const row of document.querySelectorAll(ROW_SELECTOR)) highest = Math.max(highest, Number(row.getAttribute('aria-rowindex') ?? 0));
  return highest;
}

function watchFirstRow(): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector(ROW_SELECTOR)) return;
    observer.disconnect();
    performance.mark(FIRST_ROW_MARK);
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => performance.mark(FIRST_ROW_PAINTED_MARK);
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
}

function createProbe(): InboxBenchProbe {
  let recording: FrameRecording | undefined;
  let observers: PerformanceObserver[] = [];
  let lastFrameAt: number | undefined;
  const supportedTypes = PerformanceObserver.supportedEntryTypes;

  const onFrame = (at: number) => {
    if (!recording) return;
    if (lastFrameAt !== undefined) recording.frameTimes.push(at - lastFrameAt);
    lastFrameAt = at;
    requestAnimationFrame(onFrame);
  };

  return {
    startRecording() {
      const current: FrameRecording = {
        frameTimes: [],
        longAnimationFrames: [],
        longTasks: [],
        supported: {
          longAnimationFrame: supportedTypes.includes('long-animation-frame'),
          longTask: supportedTypes.includes('longtask'),
        },
      };
      recording = current;
      lastFrameAt = undefined;
      observers = [];
      if (current.supported.longAnimationFrame) {
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) current.longAnimationFrames.push(longFrame(entry));
        });
        observer.observe({ type: 'long-animation-frame' });
        observers.push(observer);
      }
      if (current.supported.longTask) {
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) current.longTasks.push(entry.duration);
        });
        observer.observe({ type: 'longtask' });
        observers.push(observer);
      }
      requestAnimationFrame(onFrame);
    },
    stopRecording() {
      if (!recording) throw new Error('Not recording.');
      for (const observer of observers) {
        // Entries still queued for the callbacks belong to this recording.
        const pending = observer.takeRecords();
        for (const entry of pending) {
          if (entry.entryType === 'longtask') recording.longTasks.push(entry.duration);
          else recording.longAnimationFrames.push(longFrame(entry));
        }
        observer.disconnect();
      }
      const finished = recording;
      recording = undefined;
      return finished;
    },
    async scrollInSteps(step, frames) {
      const list = listElement();
      const started = performance.now();
      let direction = 1;
      let lastRowIndexAtBottom = 0;
      let checkBottom = false;
      for (let i = 0; i < frames; i++) {
        await nextFrame();
        if (checkBottom) {
          lastRowIndexAtBottom = Math.max(lastRowIndexAtBottom, lastRenderedRowIndex());
          checkBottom = false;
        }
        const max = list.scrollHeight - list.clientHeight;
        let next = list.scrollTop + direction * step;
        if (next >= max) {
          next = max;
          direction = -1;
          checkBottom = true;
        } else if (next <= 0) {
          next = 0;
          direction = 1;
        }
        list.scrollTop = next;
      }
      await nextFrame();
      await nextFrame();
      if (checkBottom) lastRowIndexAtBottom = Math.max(lastRowIndexAtBottom, lastRenderedRowIndex());
      return { lastRowIndexAtBottom, milliseconds: performance.now() - started };
    },
    lastRenderedRowIndex,
    scroller() {
      const list = listElement();
      return { scrollTop: list.scrollTop, maxScrollTop: list.scrollHeight - list.clientHeight };
    },
  };
}

if (typeof window !== 'undefined') {
  watchFirstRow();
  window.__inboxBench = createProbe();
}
