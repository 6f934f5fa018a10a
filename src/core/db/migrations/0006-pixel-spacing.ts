/**
 * Measurement calibration: a pixel spacing (mm per pixel, square pixels) a
 * person sets, for a whole job (one detector and geometry for all its
 * images) or for one image (a photo, or a radiograph with its own
 * magnification). NULL: none set, the file's own spacing (DICOM) or pixels
 * only. Who set it, when, and the value before are in the audit log
 * (`pixel-spacing.set` / `pixel-spacing.removed`).
 */
export default `
ALTER TABLE jobs ADD COLUMN pixel_spacing_mm REAL CHECK (pixel_spacing_mm IS NULL OR pixel_spacing_mm > 0);
ALTER TABLE assets ADD COLUMN pixel_spacing_mm REAL CHECK (pixel_spacing_mm IS NULL OR pixel_spacing_mm > 0);
`;
