import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, StartError } from './App.tsx';
import { createApiClient } from './api/client.ts';
import { createAppStore } from './store/app-store.ts';
import { AppProvider } from './store/context.tsx';
import { theme } from './theme.ts';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

function start() {
  try {
    const api = createApiClient();
    const store = createAppStore(api);
    return (
      <AppProvider store={store} api={api}>
        <App />
      </AppProvider>
    );
  } catch (e) {
    return <StartError message={e instanceof Error ? e.message : String(e)} />;
  }
}

createRoot(container).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      {start()}
    </MantineProvider>
  </StrictMode>,
);
