import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createAppStore } from '../../../src/renderer/src/store/app-store.ts';
import { AppProvider } from '../../../src/renderer/src/store/context.tsx';
import { parseRoute } from '../../../src/renderer/src/store/route.ts';
import { FakeApi } from './fake-api.ts';

/** Renders UI with the real store and theme over a FakeApi. */
export function renderWithApp(ui: ReactNode, api = new FakeApi()) {
  const store = createAppStore(api, parseRoute(window.location.hash));
  const result = render(
    <MantineProvider>
      <AppProvider store={store} api={api}>{ui}</AppProvider>
    </MantineProvider>,
  );
  return { ...result, api, store };
}
