import { Alert, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import type { Calibration, ModelSummary } from '../../../../shared/contract/index.ts';
import { useApi } from '../../store/context.tsx';
import { classColour, className } from '../findings/colours.ts';

type ClassCalibration = Calibration['classes'][number];

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(2));

/** Precision (0–1, up) against score threshold (0–1, right), as a small line; the threshold in force as a dashed line. */
export function PrecisionChart({ c, colour }: { c: ClassCalibration; colour: string }) {
  const W = 160;
  const H = 56;
  const x = (t: number) => 4 + t * (W - 8);
  const y = (p: number) => H - 4 - p * (H - 8);
  const points = c.points.filter((p) => p.precision !== null);
  const line = points.map((p) => `${x(p.threshold).toFixed(1)},${y(p.precision!).toFixed(1)}`).join(' ');
  const inForce = c.override ?? c.modelThreshold;
  return (
    <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Precision by score threshold for ${className(c.class)}`}>
      <rect x={0.5} y={0.5} width={W - 1} height={H - 1} fill="none" stroke="var(--mantine-color-default-border)" />
      <line x1={x(0)} x2={x(1)} y1={y(0.9)} y2={y(0.9)} stroke="var(--mantine-color-dimmed)" strokeDasharray="2 3" />
      {inForce !== null && <line x1={x(inForce)} x2={x(inForce)} y1={2} y2={H - 2} stroke="var(--mantine-color-text)" strokeDasharray="4 3" />}
      {c.suggested !== null && <line x1={x(c.suggested)} x2={x(c.suggested)} y1={2} y2={H - 2} stroke="var(--mantine-color-teal-6)" strokeWidth={2} />}
      {points.length > 1 && <polyline points={line} fill="none" stroke={colour} strokeWidth={2} />}
      {points.map((p) => <circle key={p.threshold} cx={x(p.threshold)} cy={y(p.precision!)} r={1.8} fill={colour} />)}
    </svg>
  );
}

/**
 * How precise the model has been per class, from reviewers' decisions, with
 * the threshold suggested (the lowest with precision ≥ 0.9 over at least 10
 * decided findings) and the reviewer's override for this install: apply the
 * suggestion, or reset to the model's own threshold.
 */
export function CalibrationPanel({ model }: { model: ModelSummary }) {
  const api = useApi();
  const [calibration, setCalibration] = useState<Calibration | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setCalibration(await api.invoke('calibration.get', { modelId: model.id }));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, model.id]);
  useEffect(() => {
    void load();
    return api.on('thresholds.changed', ({ modelId }) => {
      if (modelId === model.id) void load();
    });
  }, [api, load, model.id]);

  const setThreshold = async (cls: string, threshold: number | null) => {
    setBusy(cls);
    try {
      await api.invoke('thresholds.set', { modelId: model.id, class: cls, threshold });
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };

  if (!calibration && !error) return <Loader size="sm" aria-label="Loading calibration" />;
  return (
    <Stack gap={6}>
      {error && <Alert color="red" role="alert">{error}</Alert>}
      {calibration && (
        <Table aria-label="Calibration per class" verticalSpacing={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Class</Table.Th><Table.Th>Precision by threshold</Table.Th><Table.Th ta="right">Decided</Table.Th>
              <Table.Th ta="right">Threshold</Table.Th><Table.Th ta="right">Suggested</Table.Th><Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {calibration.classes.map((c) => (
              <Table.Tr key={c.class} aria-label={className(c.class)}>
                <Table.Td>{className(c.class)}</Table.Td>
                <Table.Td><PrecisionChart c={c} colour={classColour(c.class, model.classes)} /></Table.Td>
                <Table.Td ta="right">{c.decided}</Table.Td>
                <Table.Td ta="right">
                  {fmt(c.override ?? c.modelThreshold)}
                  {c.override !== null && <Text span size="xs" c="dimmed"> (yours; model {fmt(c.modelThreshold)})</Text>}
                </Table.Td>
                <Table.Td ta="right">{c.suggested === null ? <Text span size="xs" c="dimmed">too few decisions</Text> : fmt(c.suggested)}</Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    {c.suggested !== null && c.suggested !== c.override && (
                      <Button size="compact-xs" loading={busy === c.class} onClick={() => void setThreshold(c.class, c.suggested)} aria-label={`Apply ${fmt(c.suggested)} to ${className(c.class)}`}>
                        Apply
                      </Button>
                    )}
                    {c.override !== null && (
                      <Button size="compact-xs" variant="default" loading={busy === c.class} onClick={() => void setThreshold(c.class, null)} aria-label={`Reset ${className(c.class)} to the model's threshold`}>
                        Reset
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Text size="xs" c="dimmed">
        From every accepted (or edited) and rejected finding of this model, in every job. Precision at a threshold: the share of decided findings
        scoring at least that much that were right. A threshold you apply is used by detections started afterwards; reset returns to the model's.
      </Text>
    </Stack>
  );
}
