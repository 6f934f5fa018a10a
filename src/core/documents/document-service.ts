import sharp from 'sharp';
import type { Asset, ResourceBody } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Write } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { ByteLru } from '../media/byte-lru.ts';
import type { MediaSource } from '../media/media-service.ts';
import type { PageImage } from '../ocr/types.ts';
import type { ParsedDocument } from '../parse/types.ts';
import type { DocumentModel } from '../structure/types.ts';

/**
 * Documents of a job as the app sees them: the document model (parsed in a
 * worker, structured, then kept in the database so a document is parsed once
 * per parser version) and page images for the viewer.
 */

export interface DocumentParserPort {
  parse(bytes: Uint8Array): Promise<ParsedDocument>;
  render(bytes: Uint8Array, page: number, dpi: number): Promise<PageImage>;
}

export interface DocumentServiceDeps {
  db: Db;
  write: Write;
  store: MediaSource;
  parser: DocumentParserPort;
  structure: (parsed: ParsedDocument) => DocumentModel;
  /** Changes when parsing or structure detection changes what they produce, so kept models are rebuilt. */
  modelVersion: string;
}

/** Page images kept for the viewer (PNG bytes): a few pages either side of the one on screen. */
const PAGE_CACHE_BYTES = 96 * 1024 ** 2;
export const PAGE_DPI = [72, 96, 144, 200] as const;

export class DocumentService {
  private readonly pages = new ByteLru<string, ResourceBody>(PAGE_CACHE_BYTES);
  /** One parse per asset at a time: the viewer and a review asking together share it. */
  private readonly inFlight = new Map<string, Promise<DocumentModel>>();
  /** The same page asked for twice while it renders is rendered once. */
  private readonly pagesInFlight = new Map<string, Promise<ResourceBody>>();

  constructor(private readonly deps: DocumentServiceDeps) {}

  private document(asset: Asset): void {
    if (asset.kind !== 'document') throw new ChittiError('NOT_A_DOCUMENT', `${asset.originalName} is an image, not a document.`);
  }

  async model(asset: Asset): Promise<DocumentModel> {
    this.document(asset);
    const { db, modelVersion } = this.deps;
    const cached = db.prepare('SELECT model FROM document_models WHERE asset_id = ? AND parser_version = ?').get(asset.id, modelVersion) as
      | { model: string } | undefined;
    if (cached) return JSON.parse(cached.model) as DocumentModel;
    let pending = this.inFlight.get(asset.id);
    if (!pending) {
      pending = this.build(asset).finally(() => this.inFlight.delete(asset.id));
      this.inFlight.set(asset.id, pending);
    }
    return pending;
  }

  private async build(asset: Asset): Promise<DocumentModel> {
    const { parser, structure, write, modelVersion } = this.deps;
    const bytes = await this.deps.store.read(asset.sha256);
    const model = structure(await parser.parse(bytes));
    write((tx) => {
      tx.db.prepare('INSERT OR REPLACE INTO document_models (asset_id, parser_version, model, page_count, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(asset.id, modelVersion, JSON.stringify(model), model.pageCount, tx.now.toISOString());
      tx.audit({
        action: 'document.parsed', entityType: 'asset', entityId: asset.id,
        data: {
          modelVersion, pages: model.pageCount, blocks: model.blocks.length,
          ocrPages: model.pages.filter((p) => p.textSource === 'ocr').map((p) => p.page), unreadablePages: model.unreadablePages.map((p) => p.page),
        },
      });
    });
    return model;
  }

  /** One page as a PNG for the viewer, at one of the fixed resolutions (so the cache is shared). */
  async page(asset: Asset, page: number, dpi: (typeof PAGE_DPI)[number]): Promise<ResourceBody> {
    this.document(asset);
    const key = `${asset.id}:${page}:${dpi}`;
    const hit = this.pages.get(key);
    if (hit) return hit;
    let pending = this.pagesInFlight.get(key);
    if (!pending) {
      pending = this.renderPng(asset, page, dpi, key).finally(() => this.pagesInFlight.delete(key));
      this.pagesInFlight.set(key, pending);
    }
    return pending;
  }

  private async renderPng(asset: Asset, page: number, dpi: number, key: string): Promise<ResourceBody> {
    const bytes = await this.deps.store.read(asset.sha256);
    const image = await this.deps.parser.render(bytes, page, dpi);
    const body = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } }).png({ compressionLevel: 6 }).toBuffer();
    const png = { mime: 'image/png', body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) };
    this.pages.set(key, png, png.body.byteLength);
    return png;
  }
}
