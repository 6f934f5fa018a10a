import type { AssetId, ImageInfo, JobId, PixelSpacing } from '../../shared/contract/index.ts';
import { ChittiError } from '../app/errors.ts';
import type { Tx } from '../app/unit-of-work.ts';
import type { Db } from '../db/open.ts';
import { getAsset } from './assets.ts';
import { getJob } from './jobs.ts';

/**
 * Measurement calibration a person sets: millimetres per pixel for a job or
 * one image (migration 0006). It wins over the file's own spacing because
 * a calibration on a known length in the image measures at the object, where
 * a detector's ImagerPixelSpacing does not include the geometric
 * magnification; an image's own calibration wins over its job's.
 */
export interface Calibrations {
  image: number | null;
  job: number | null;
}

export function calibrationsOf(db: Db, assetId: AssetId): Calibrations {
  const row = db.prepare('SELECT a.pixel_spacing_mm AS image, j.pixel_spacing_mm AS job FROM assets a JOIN jobs j ON j.id = a.job_id WHERE a.id = ?')
    .get(assetId) as Calibrations | undefined;
  return row ?? { image: null, job: null };
}

/** The spacing measurements use: a calibration if any, else the file's. */
export function effectiveSpacing(file: PixelSpacing | null, c: Calibrations): PixelSpacing | null {
  if (c.image !== null) return { x: c.image, y: c.image, source: 'image-calibration' };
  if (c.job !== null) return { x: c.job, y: c.job, source: 'job-calibration' };
  return file;
}

export const withCalibration = (info: ImageInfo, c: Calibrations): ImageInfo => ({ ...info, pixelSpacing: effectiveSpacing(info.filePixelSpacing, c) });

export interface SpacingChange {
  jobId?: JobId;
  assetId?: AssetId;
  mmPerPixel: number | null;
  reference?: { pixels: number; mm: number };
}

/** Sets or removes a job's or an image's calibration; audited with the value before, so it can be put back. */
export function setPixelSpacing(tx: Tx, change: SpacingChange): { jobId: JobId; assetId: AssetId | null; mmPerPixel: number | null; previous: number | null } {
  const { mmPerPixel, reference } = change;
  const asset = change.assetId !== undefined ? getAsset(tx.db, change.assetId) : null;
  if (asset && asset.kind !== 'image') throw new ChittiError('NOT_AN_IMAGE', `Asset ${asset.id} is a document (${asset.mime}): a pixel spacing is set on images.`);
  const jobId = asset ? asset.jobId : getJob(tx.db, change.jobId!).id;
  const table = asset ? 'assets' : 'jobs';
  const id = asset ? asset.id : jobId;
  const { previous } = tx.db.prepare(`SELECT pixel_spacing_mm AS previous FROM ${table} WHERE id = ?`).get(id) as { previous: number | null };
  const result = { jobId, assetId: asset?.id ?? null, mmPerPixel, previous };
  if (previous === mmPerPixel) return result;
  tx.db.prepare(`UPDATE ${table} SET pixel_spacing_mm = ? WHERE id = ?`).run(mmPerPixel, id);
  if (!asset) tx.db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(tx.now.toISOString(), jobId);
  tx.audit({
    action: mmPerPixel === null ? 'pixel-spacing.removed' : 'pixel-spacing.set',
    entityType: asset ? 'asset' : 'job',
    entityId: id,
    data: { before: previous, after: mmPerPixel, ...(asset ? { jobId } : {}), ...(reference ? { reference } : {}) },
  });
  tx.emit('job.changed', { jobId });
  return result;
}
