import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createApiClient, type ApiClient } from './api/client.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

let api: ApiClient | null = null;
let startError: string | null = null;
try {
  api = createApiClient();
} catch (e) {
  startError = e instanceof Error ? e.message : String(e);
}

createRoot(container).render(
  <StrictMode>
    <App api={api} startError={startError} />
  </StrictMode>,
);
