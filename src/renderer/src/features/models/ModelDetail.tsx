import { Alert, Badge, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ModelSummary } from '../../../../shared/contract/index.ts';
import { classColour, className } from '../findings/colours.ts';
import { CalibrationPanel } from './CalibrationPanel.tsx';
import { dataView, formatValue, type ClassTable, type Row } from './metrics.ts';

export const TASK_LABEL: Record<ModelSummary['task'], string> = { detect: 'Detection', segment: 'Segmentation' };
export const ORIGIN_LABEL: Record<ModelSummary['origin'], string> = { 'built-in': 'Built-in', user: 'Added to this workspace' };

function Rows({ rows, label }: { rows: Row[]; label: string }) {
  if (rows.length === 0) return null;
  return (
    <Table aria-label={label} withRowBorders={false} verticalSpacing={4}>
      <Table.Tbody>
        {rows.map((r) => (
          <Table.Tr key={r.key}>
            <Table.Th scope="row" fw={500} c="dimmed" w="45%">{r.label}</Table.Th>
            <Table.Td style={{ fontVariantNumeric: 'tabular-nums', overflowWrap: 'anywhere' }}>{r.value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function PerClass({ table, classes, caption }: { table: ClassTable; classes: readonly string[]; caption: string }) {
  return (
    <Table aria-label={caption} striped verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Class</Table.Th>
          {table.columns.map((c) => <Table.Th key={c.key} ta="right">{c.label}</Table.Th>)}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {table.rows.map((r) => (
          <Table.Tr key={r.cls}>
            <Table.Td><ClassName cls={r.cls} classes={classes} /></Table.Td>
            {r.values.map((v, i) => <Table.Td key={table.columns[i]!.key} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>{v}</Table.Td>)}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ClassName({ cls, classes }: { cls: string; classes: readonly string[] }) {
  return (
    <Group gap={6} wrap="nowrap">
      <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: classColour(cls, classes), flex: 'none' }} />
      {className(cls)}
    </Group>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6} component="section" aria-label={title}>
      <Title order={4}>{title}</Title>
      {children}
    </Stack>
  );
}

function Other({ rows }: { rows: Row[] }) {
  return rows.map((r) => (
    <details key={r.key}>
      <summary><Text span size="sm">{r.label}</Text></summary>
      <Code block mt={4}>{r.value}</Code>
    </details>
  ));
}

/** One model, as its manifest describes it: what it finds, how well (measured), how it runs, what it learnt from, under which licence. */
export function ModelDetail({ model }: { model: ModelSummary }) {
  const metrics = dataView(model.metrics, model.classes);
  const training = dataView(model.training, model.classes, { split: 'Split' });
  const hasMetrics = metrics.values.length + metrics.tables.length > 0;
  const [w, h] = model.inputSize;
  const thresholds: Row[] = model.classes.map((c) => {
    const own = model.classThresholds[c];
    return { key: c, label: className(c), value: own === undefined ? `${formatValue('', model.scoreThreshold)} (default)` : formatValue('', own) };
  });
  return (
    <Paper withBorder p="md" role="region" aria-label={`Model ${model.title}`}>
      <Stack gap="md">
        <Stack gap={4}>
          <Group justify="space-between" align="flex-start">
            <Title order={3}>{model.title}</Title>
            <Group gap={6}>
              <Badge variant="light">{TASK_LABEL[model.task]}</Badge>
              <Badge variant="light" color={model.origin === 'built-in' ? 'gray' : 'grape'}>{ORIGIN_LABEL[model.origin]}</Badge>
            </Group>
          </Group>
          <Text size="sm"><Code>{model.id}</Code> · version {model.version}</Text>
          {model.description && <Text size="sm">{model.description}</Text>}
          <Group gap={6} mt={4} aria-label="Classes" role="list">
            {model.classes.map((c) => (
              <Badge key={c} role="listitem" variant="outline" color="gray" leftSection={<span aria-hidden style={{ display: 'inline-block', width: 8, height: 8, borderRadius: 2, background: classColour(c, model.classes) }} />}>
                {className(c)}
              </Badge>
            ))}
          </Group>
        </Stack>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Section title="Measured performance">
            {!hasMetrics && (
              <Alert color="yellow" variant="light">This model's manifest records no measurements: treat its findings with care.</Alert>
            )}
            <Rows rows={metrics.values} label="Overall metrics" />
            {metrics.tables.map((t) => (
              <PerClass key={t.key} table={t} classes={model.classes} caption={t.key === 'per_class' ? 'Metrics per class' : t.title} />
            ))}
            <Rows rows={metrics.notes} label="How it was measured" />
            <Other rows={metrics.other} />
          </Section>

          <Stack gap="lg">
            <Section title="How it runs">
              <Rows
                label="Input and tiling"
                rows={[
                  { key: 'input', label: 'Input size', value: `${w}×${h} px` },
                  {
                    key: 'tiling', label: 'Tiling',
                    value: `Images over ${model.tiling.above} px are cut into ${model.tiling.tile} px tiles overlapping by ${model.tiling.overlap} px`,
                  },
                  { key: 'threshold', label: 'Default score threshold', value: formatValue('', model.scoreThreshold) },
                ]}
              />
              <Table aria-label="Score threshold per class" striped verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr><Table.Th>Class</Table.Th><Table.Th ta="right">Score threshold</Table.Th></Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {thresholds.map((r) => (
                    <Table.Tr key={r.key}>
                      <Table.Td><ClassName cls={r.key} classes={model.classes} /></Table.Td>
                      <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>{r.value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Section>

            <Section title="Training">
              {training.values.length + training.notes.length + training.tables.length + training.other.length === 0 && (
                <Text size="sm" c="dimmed">The manifest does not say how this model was trained.</Text>
              )}
              <Rows rows={[...training.notes, ...training.values]} label="Training data and split" />
              {training.tables.map((t) => <PerClass key={t.key} table={t} classes={model.classes} caption={t.title} />)}
              <Other rows={training.other} />
            </Section>
          </Stack>
        </SimpleGrid>

        <Section title="Calibration from reviews">
          <CalibrationPanel model={model} />
        </Section>
        <Section title="Licence">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{model.licence || 'Not stated.'}</Text>
        </Section>
        <Section title="Integrity">
          <Text size="sm" c="dimmed">SHA-256 of the model file, checked before every run:</Text>
          <Code aria-label="SHA-256" style={{ overflowWrap: 'anywhere' }}>{model.sha256}</Code>
        </Section>
      </Stack>
    </Paper>
  );
}
