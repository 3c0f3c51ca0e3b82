import { useState, type DragEvent } from 'react';
import { ErrorMessage } from '../../components/fields';
import { formatBytes } from '../../lib/format';
import type { FileState } from '../../state/compose-form';

interface FileDropProps {
  id: string;
  file: FileState;
  error?: string;
  onChoose(file: File): void;
  onClear(): void;
}

/** Choose a file with the button or drop one on the box; then its name and size are shown. */
export function FileDrop({ id, file, error, onChoose, onClear }: FileDropProps) {
  const [dragging, setDragging] = useState(false);
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) onChoose(dropped);
  };
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <h2 className="nhsuk-label nhsuk-label--s nhsuk-u-margin-bottom-1">File</h2>
      <div className="nhsuk-hint" id={`${id}-hint`}>
        One file per message. Large files are split into parts and compressed for you: there is nothing to set.
      </div>
      <ErrorMessage id={id} error={error} />
      {file.status === 'ready' ? (
        <div className="app-file-chosen">
          <p className="nhsuk-u-margin-bottom-0" aria-live="polite">
            <strong>{file.file.name}</strong> ({formatBytes(file.file.size)})
          </p>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
            onClick={onClear}
          >
            Remove <span className="nhsuk-u-visually-hidden">{file.file.name}</span>
          </button>
        </div>
      ) : (
        <div
          className={`app-drop-zone${dragging ? ' app-drop-zone--over' : ''}${error ? ' app-drop-zone--error' : ''}`}
          data-testid="file-drop-zone"
          onDragOver={(event) => {
            event.preventDefault();
            event.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label className="nhsuk-label" htmlFor={id}>
            Choose a file, or drag it here
          </label>
          <input
            className="nhsuk-file-upload__input app-file-input"
            id={id}
            name={id}
            type="file"
            aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              if (chosen) onChoose(chosen);
              // Let the same file be chosen again after removing it.
              event.target.value = '';
            }}
          />
          {file.status === 'adding' && (
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-0" role="status">
              Adding {file.name}…
            </p>
          )}
        </div>
      )}
    </div>
  );
}
