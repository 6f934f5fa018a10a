// @vitest-environment jsdom
import './setup.ts';
import { act, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Thumbnail } from '../../../src/renderer/src/features/assets/Thumbnail.tsx';
import { FakeApi, makeAsset } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

/** An IntersectionObserver whose cards are all in view at once. */
class VisibleObserver {
  constructor(private readonly callback: IntersectionObserverCallback) {}
  observe(target: Element) {
    queueMicrotask(() => this.callback([{ isIntersecting: true, target } as IntersectionObserverEntry], this as unknown as IntersectionObserver));
  }
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}

describe('thumbnail', () => {
  const original = window.IntersectionObserver;
  beforeEach(() => {
    window.IntersectionObserver = VisibleObserver as unknown as typeof IntersectionObserver;
  });
  afterEach(() => {
    window.IntersectionObserver = original;
  });

  it('keeps the image URL while it is shown and lets go of it when the card goes', async () => {
    const api = new FakeApi();
    const releases: string[] = [];
    let n = 0;
    api.loadImage = vi.fn(() => {
      const url = `blob:thumb-${++n}`;
      return Promise.resolve({ url, release: () => releases.push(url) });
    });
    const { container, unmount } = renderWithApp(<Thumbnail asset={makeAsset()} />, api);
    // alt="" (decorative: the card's label names the file), so the <img> has no role to query by.
    await waitFor(() => expect(container.querySelector('img')).toHaveAttribute('src', 'blob:thumb-1'));
    await act(async () => {});
    expect(api.loadImage).toHaveBeenCalledTimes(1);
    expect(releases).toEqual([]);

    unmount();
    expect(releases).toEqual(['blob:thumb-1']);
  });
});
