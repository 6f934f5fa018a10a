import type OpenSeadragon from 'openseadragon';
import type { ImageInfo } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';

/** A window and inversion for `asset.tile`, in the image's values; null: the image's default. */
export interface TileDisplay {
  low: number;
  high: number;
  invert: boolean;
}

/** OpenSeadragon's description of the image's pyramid, each tile asked for through `display`. */
export function tileSourceFor(api: ApiClient, info: ImageInfo, display: TileDisplay | null) {
  return {
    width: info.width,
    height: info.height,
    tileSize: info.tileSize,
    tileOverlap: 0,
    minLevel: 0,
    maxLevel: info.levels - 1,
    getTileUrl: (level: number, x: number, y: number) => api.resourceRequest('asset.tile', { assetId: info.assetId, level, x, y, ...(display ?? {}) }).url,
  };
}

const keyOf = (d: TileDisplay | null) => (d ? `${d.low}:${d.high}:${d.invert ? 1 : 0}` : 'default');

/**
 * Shows a new window without a black flash: the image through the new
 * window is added on top of the one shown, its tiles fill in over the old
 * ones, and the old one goes once every tile on screen has arrived. While a
 * drag keeps changing the window, at most one such swap runs: when it
 * completes, the latest window asked for (if it changed meanwhile) starts
 * the next, so intermediate windows are skipped rather than queued.
 */
export class DisplaySwapper {
  private wanted: TileDisplay | null = null;
  private shown = keyOf(null);
  private loading: OpenSeadragon.TiledImage | null = null;
  private starting = false;
  private disposed = false;

  constructor(
    private readonly viewer: OpenSeadragon.Viewer,
    private readonly source: (display: TileDisplay | null) => ReturnType<typeof tileSourceFor>,
  ) {}

  set(display: TileDisplay | null): void {
    this.wanted = display;
    if (!this.loading && !this.starting) this.start();
  }

  dispose(): void {
    this.disposed = true;
  }

  private start(): void {
    const key = keyOf(this.wanted);
    if (this.disposed || key === this.shown) return;
    this.starting = true;
    this.viewer.addTiledImage({
      tileSource: this.source(this.wanted),
      index: this.viewer.world.getItemCount(),
      success: (event) => {
        this.starting = false;
        const item = (event as unknown as { item: OpenSeadragon.TiledImage }).item;
        this.loading = item;
        item.whenFullyLoaded(() => {
          if (this.disposed) return;
          // Everything under the new image goes: it covers them now.
          for (let i = this.viewer.world.getItemCount() - 1; i >= 0; i--) {
            const other = this.viewer.world.getItemAt(i);
            if (other !== item) this.viewer.world.removeItem(other);
          }
          this.loading = null;
          this.shown = key;
          this.start();
        });
      },
      error: () => {
        // The tile source could not be added (the viewer is closing): try the latest window again on the next change.
        this.starting = false;
      },
    });
  }
}
