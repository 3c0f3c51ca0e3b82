import { useEffect, useId, useRef, useState } from 'react';
import { effectiveDensity, useLayoutStore, type Density, type ReadingPane } from '../state/list-layout';

const PANES: { value: ReadingPane; label: string }[] = [
  { value: 'right', label: 'Right' },
  { value: 'bottom', label: 'Bottom' },
  { value: 'off', label: 'Off' },
];

const DENSITIES: { value: Density; label: string }[] = [
  { value: 'comfortable', label: 'Comfortable' },
  { value: 'compact', label: 'Compact' },
];

export interface ColumnChoice {
  id: string;
  header: string;
  shown: boolean;
}

/**
 * The View menu beside a list, as in Outlook: where the reading pane goes, how tall
 * the rows are, and which columns show (the column chooser). Every choice is remembered.
 */
export function ViewMenu({ columns, onToggleColumn }: { columns: ColumnChoice[]; onToggleColumn(id: string, shown: boolean): void }) {
  const [open, setOpen] = useState(false);
  const view = useLayoutStore((s) => s.view);
  const setView = useLayoutStore((s) => s.setView);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();
  const density = effectiveDensity(view, window.innerHeight);
  const shownCount = columns.filter((column) => column.shown).length;

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (box.current && !box.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  return (
    <div
      className="app-menu"
      ref={box}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          event.preventDefault();
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        type="button"
        ref={button}
        className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen(!open)}
      >
        View <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="app-menu__panel" id={`${id}-panel`} role="group" aria-label="View">
          <fieldset className="app-menu__group">
            <legend>Reading pane</legend>
            {PANES.map((pane) => (
              <label key={pane.value} className="app-menu__choice">
                <input
                  type="radio"
                  name={`${id}-pane`}
                  checked={view.readingPane === pane.value}
                  onChange={() => setView({ readingPane: pane.value })}
                />
                {pane.label}
              </label>
            ))}
          </fieldset>
          <fieldset className="app-menu__group">
            <legend>Rows</legend>
            {DENSITIES.map((choice) => (
              <label key={choice.value} className="app-menu__choice">
                <input
                  type="radio"
                  name={`${id}-density`}
                  checked={density === choice.value}
                  onChange={() => setView({ density: choice.value })}
                />
                {choice.label}
              </label>
            ))}
          </fieldset>
          <fieldset className="app-menu__group">
            <legend>Columns</legend>
            {columns.map((column) => (
              <label key={column.id} className="app-menu__choice">
                <input
                  type="checkbox"
                  checked={column.shown}
                  // The last column cannot be hidden: a list needs something to show.
                  disabled={column.shown && shownCount === 1}
                  onChange={(event) => onToggleColumn(column.id, event.target.checked)}
                />
                {column.header}
              </label>
            ))}
          </fieldset>
        </div>
      )}
    </div>
  );
}
