import { Alert, Button, Group, Modal, NumberInput, Radio, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { PixelSpacing } from '../../../../shared/contract/index.ts';
import { formatNumber, SOURCE_LABELS, spacingFromLine } from './imaging.ts';

export interface CalibrationRequest {
  scope: 'image' | 'job';
  mmPerPixel: number;
  /** Set when found from the measured line: how long it was in pixels and in reality. */
  reference?: { pixels: number; mm: number };
}

export interface CalibrationDialogProps {
  opened: boolean;
  onClose: () => void;
  /** The spacing in force, and the file's own. */
  spacing: PixelSpacing | null;
  fileSpacing: PixelSpacing | null;
  /** The measured line's length in pixels, if there is one: the easiest way to calibrate. */
  measuredPx: number | null;
  busy: boolean;
  error: string | null;
  onSave: (request: CalibrationRequest) => void;
  /** Removes a calibration (the one in force: this image's or the job's). */
  onRemove: (scope: 'image' | 'job') => void;
}

/**
 * Setting the scale for measurements: from the measured line and the length
 * it really has (a ruler, an IQI, a known wall thickness), or by typing
 * millimetres per pixel; for this image or for every image of the job. The
 * change is audited and can be removed again, back to the file's spacing.
 */
export function CalibrationDialog({ opened, onClose, spacing, fileSpacing, measuredPx, busy, error, onSave, onRemove }: CalibrationDialogProps) {
  const [knownMm, setKnownMm] = useState<number | string>('');
  const [typed, setTyped] = useState<number | string>('');
  const [scope, setScope] = useState<'image' | 'job'>('image');
  useEffect(() => {
    if (!opened) return;
    setKnownMm('');
    setTyped('');
    setScope(spacing?.source === 'job-calibration' ? 'job' : 'image');
  }, [opened, spacing?.source]);

  const fromLine = measuredPx !== null && typeof knownMm === 'number' ? spacingFromLine(measuredPx, knownMm) : null;
  const direct = typeof typed === 'number' && typed > 0 ? typed : null;
  const chosen = fromLine ?? direct;
  const calibrated = spacing?.source === 'image-calibration' || spacing?.source === 'job-calibration';
  const describe = (s: PixelSpacing) => `${formatNumber(s.x)}${s.y !== s.x ? ` × ${formatNumber(s.y)}` : ''} mm per pixel (${SOURCE_LABELS[s.source]})`;

  return (
    <Modal opened={opened} onClose={onClose} title="Scale for measurements" size="md">
      <form
        // Esc closes this dialog only: it must not reach the viewer, where it means "back to the job".
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          e.stopPropagation();
          onClose();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen === null || busy) return;
          onSave({ scope, mmPerPixel: chosen, ...(fromLine !== null && measuredPx !== null ? { reference: { pixels: measuredPx, mm: knownMm as number } } : {}) });
        }}
      >
        <Stack gap="sm">
          <Text size="sm" data-testid="spacing-now">{spacing ? `Now: ${describe(spacing)}.` : 'Now: no pixel spacing; lengths are in pixels only.'}</Text>
          {fileSpacing && calibrated && <Text size="xs" c="dimmed">The file says {describe(fileSpacing)}; the calibration is used instead.</Text>}
          {measuredPx !== null ? (
            <NumberInput
              label={`The measured line is ${formatNumber(measuredPx)} px; its real length (mm)`}
              description="e.g. a ruler, an image quality indicator or a known dimension in the image"
              value={knownMm}
              onChange={setKnownMm}
              min={0}
              decimalScale={4}
              data-autofocus
            />
          ) : (
            <Text size="xs" c="dimmed">Measure a known length with the measure tool (M) to calibrate from it, or type the spacing.</Text>
          )}
          <NumberInput
            label="Or: millimetres per pixel"
            value={typed}
            onChange={setTyped}
            min={0}
            decimalScale={6}
            disabled={fromLine !== null}
          />
          <Radio.Group label="Applies to" value={scope} onChange={(v) => setScope(v)}>
            <Group gap="md" mt={4}>
              <Radio value="image" label="This image" />
              <Radio value="job" label="Every image of this job" />
            </Group>
          </Radio.Group>
          {chosen !== null && <Text size="sm" data-testid="spacing-chosen">New scale: {formatNumber(chosen, 6)} mm per pixel.</Text>}
          {error && <Alert color="red" role="alert" p="xs">{error}</Alert>}
          <Group justify="space-between">
            {calibrated ? (
              <Button variant="subtle" color="red" disabled={busy} onClick={() => onRemove(spacing.source === 'job-calibration' ? 'job' : 'image')}>
                Remove the calibration
              </Button>
            ) : <span />}
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" disabled={chosen === null} loading={busy}>Set scale</Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
