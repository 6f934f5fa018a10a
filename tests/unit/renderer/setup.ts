/**
 * jsdom lacks a few browser APIs Mantine and the asset grid use; these are
 * inert stand-ins for layout-only features, not for behaviour under test.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy*/waitFor resolve as soon as what they wait for is there; the default 1 s limit is
// too short when the whole suite shares two cores (lazy chunks such as the OpenSeadragon
// viewer take longer to load under that load). A longer limit only changes how long a real
// failure takes to be reported.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  window.location.hash = '';
  localStorage.clear();
});

window.matchMedia ??= ((query: string) => ({
  matches: false, media: query, onchange: null,
  addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false,
})) as unknown as typeof window.matchMedia;

class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
window.ResizeObserver ??= NoopObserver as unknown as typeof ResizeObserver;
window.IntersectionObserver ??= NoopObserver as unknown as typeof IntersectionObserver;
Element.prototype.scrollIntoView ??= () => {};
