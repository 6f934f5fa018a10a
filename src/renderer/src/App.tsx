import { useEffect, useState } from 'react';
import type { ApiClient } from './api/client.ts';

interface AppProps {
  api: ApiClient | null;
  startError: string | null;
}

type Info = { state: 'loading' } | { state: 'ready'; version: string } | { state: 'failed'; message: string };

/** Placeholder until the real workbench UI lands: shows that the client reaches the core. */
export function App({ api, startError }: AppProps) {
  const [info, setInfo] = useState<Info>(
    startError !== null ? { state: 'failed', message: startError } : { state: 'loading' },
  );

  useEffect(() => {
    if (!api) return;
    let live = true;
    api.invoke('app.info', {}).then(
      (res) => live && setInfo({ state: 'ready', version: res.version }),
      (e: unknown) => live && setInfo({ state: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [api]);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: '2rem' }}>
      <h1>Chitti</h1>
      {info.state === 'loading' && <p>Connecting…</p>}
      {info.state === 'ready' && <p data-testid="app-version">Version {info.version}</p>}
      {info.state === 'failed' && <p role="alert">{info.message}</p>}
    </main>
  );
}
