import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { prepareDateFormats } from './lib/format';
import './styles/app.scss';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Date formatters are slow to build the first time; build them while nothing else is happening, not in the frame
// that opens the first view showing a date.
window.requestIdleCallback(() => prepareDateFormats(), { timeout: 2000 });
