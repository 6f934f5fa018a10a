import type { ProcedureName, ProcedureOutput, ProcedureParsedInput } from '../../shared/contract/index.ts';
import type { imagingProcedures } from '../../shared/contract/imaging.ts';
import { getAsset } from '../domain/assets.ts';
import { calibrationsOf, setPixelSpacing, withCalibration } from '../domain/pixel-spacing.ts';
import type { Db } from '../db/open.ts';
import type { MediaService } from '../media/media-service.ts';
import type { Write } from './unit-of-work.ts';

type ImagingName = keyof typeof imagingProcedures & ProcedureName;
type Handler<N extends ProcedureName> = (input: ProcedureParsedInput<N>) => ProcedureOutput<N> | Promise<ProcedureOutput<N>>;

/** The imaging tools' procedures (see src/shared/contract/imaging.ts), and `assets.imageInfo` with its calibration applied. */
export function createImagingHandlers(ctx: { db: Db; write: Write; media: MediaService }): { [N in ImagingName | 'assets.imageInfo']: Handler<N> } {
  const { db, write, media } = ctx;
  return {
    'assets.imageInfo': async ({ assetId }) => withCalibration(await media.imageInfo(getAsset(db, assetId)), calibrationsOf(db, assetId)),
    'assets.histogram': ({ assetId, bins }) => media.histogram(getAsset(db, assetId), bins),
    'assets.profile': ({ assetId, ...line }) => media.profile(getAsset(db, assetId), line),
    'pixelSpacing.set': (change) => write((tx) => setPixelSpacing(tx, change)),
  };
}
