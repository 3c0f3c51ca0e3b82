import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import { PANE_LIMITS, type ReadingPane } from '../state/list-layout';

const STEP = 24;
/** Below this window width a pane on the right would leave the list too narrow for its columns: it goes below instead. */
export const NARROW_WINDOW = 1100;

function useWindowWidth(): number {
  const [width, setWidth] = useState(() => window.innerWidth);
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return width;
}

interface SplitPaneProps {
  mode: ReadingPane;
  /** The pane's width (right) or height (bottom) in CSS pixels. */
  size: number;
  onResize(size: number): void;
  list: ReactNode;
  /** The reading pane; with nothing chosen, only a narrow hint. */
  detail: ReactNode;
  /** Whether a message is chosen: without one the pane takes no more room than its hint. */
  hasDetail: boolean;
  /** The accessible name of the pane, such as "Selected message". */
  detailLabel: string;
  /** With the pane off, a message opened with Enter or a double-click takes the list's place. */
  detailOpen?: boolean;
}

/**
 * The list with its reading pane, as in Outlook: the pane on the right or at the
 * bottom, sized by dragging the bar between them or by focusing the bar and using
 * the arrow keys; or off, with an opened message shown in the list's place.
 */
export function SplitPane({ mode: chosen, size: chosenSize, onResize, list, detail, hasDetail, detailLabel, detailOpen }: SplitPaneProps) {
  const container = useRef<HTMLDivElement>(null);
  const windowWidth = useWindowWidth();
  const mode = chosen === 'right' && windowWidth > 0 && windowWidth < NARROW_WINDOW ? 'bottom' : chosen;
  // The size given is for the chosen side; a pane moved below for a narrow window uses the bottom default.
  const size = mode === chosen ? chosenSize : PANE_LIMITS.minHeight + 120;
  const dragging = useRef(false);
  const vertical = mode === 'right';
  const [min, max] = vertical ? [PANE_LIMITS.minWidth, PANE_LIMITS.maxWidth] : [PANE_LIMITS.minHeight, PANE_LIMITS.maxHeight];
  const bounded = (value: number) => Math.round(Math.min(max, Math.max(min, value)));

  if (mode === 'off') {
    return (
      <div className="app-split app-split--off">
        {detailOpen && hasDetail ? (
          <section className="app-split__detail app-split__detail--full" aria-label={detailLabel}>
            {detail}
          </section>
        ) : (
          list
        )}
      </div>
    );
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    dragging.current = true;
    event.currentTarget.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging.current || !container.current) return;
    const box = container.current.getBoundingClientRect();
    onResize(bounded(vertical ? box.right - event.clientX : box.bottom - event.clientY));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // The bar moves the way the arrow points; the pane grows or shrinks to match.
    const grow: Record<string, number> = vertical ? { ArrowLeft: STEP, ArrowRight: -STEP } : { ArrowUp: STEP, ArrowDown: -STEP };
    const change = grow[event.key];
    if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      onResize(event.key === 'Home' ? min : max);
    } else if (change !== undefined) {
      event.preventDefault();
      onResize(bounded(size + change));
    }
  };

  const shown = hasDetail ? size : undefined;
  const template = vertical
    ? { gridTemplateColumns: shown === undefined ? 'minmax(0, 1fr) auto' : `minmax(0, 1fr) 8px ${shown}px` }
    : { gridTemplateRows: shown === undefined ? 'minmax(0, 1fr) auto' : `minmax(0, 1fr) 8px ${shown}px` };

  return (
    <div className={`app-split app-split--${mode}${hasDetail ? '' : ' app-split--empty'}`} ref={container} style={template}>
      {list}
      {hasDetail && (
        <div
          className="app-split__bar"
          role="separator"
          aria-orientation={vertical ? 'vertical' : 'horizontal'}
          aria-label="Size of the reading pane"
          aria-valuemin={min}
          aria-valuemax={max}
          aria-valuenow={size}
          tabIndex={0}
          title="Drag to change the size of the reading pane (or use the arrow keys)"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => (dragging.current = false)}
          onPointerCancel={() => (dragging.current = false)}
          onKeyDown={onKeyDown}
        />
      )}
      <section className="app-split__detail" aria-label={detailLabel}>
        {detail}
      </section>
    </div>
  );
}
