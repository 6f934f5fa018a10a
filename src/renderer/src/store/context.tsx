import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/client.ts';
import type { AppState, AppStore } from './app-store.ts';

const StoreContext = createContext<{ store: AppStore; api: ApiClient } | null>(null);

export function AppProvider({ store, api, children }: { store: AppStore; api: ApiClient; children: ReactNode }) {
  return <StoreContext.Provider value={{ store, api }}>{children}</StoreContext.Provider>;
}

function useAppContext() {
  const ctx = useContext(StoreContext);
  if (!ctx) throw new Error('AppProvider is missing');
  return ctx;
}

export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export const useApi = (): ApiClient => useAppContext().api;
