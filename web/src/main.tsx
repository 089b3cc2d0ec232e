import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from './router.js';
import { SessionProvider } from './session.js';
import { App } from './shell.js';
import '@xyflow/react/dist/style.css';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <Router>
        <App />
      </Router>
    </SessionProvider>
  </StrictMode>,
);
