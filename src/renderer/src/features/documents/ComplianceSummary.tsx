import { Group, Stack, Table, Text } from '@mantine/core';
import { SEVERITIES, STATUSES, STATUS_COLOUR, STATUS_LABEL, summaryTotals, type ComplianceSummary as Summary, type StatusCounts } from './review-items.ts';

const fill = (status: keyof StatusCounts) => `var(--mantine-color-${STATUS_COLOUR[status]}-6)`;
const countsText = (c: StatusCounts) => STATUSES.map((s) => `${c[s]} ${STATUS_LABEL[s]}`).join(', ');

/** One stacked bar: each status's share of `counts`, in the status order, over `width`. */
function Bar({ counts, x, y, width, height }: { counts: StatusCounts; x: number; y: number; width: number; height: number }) {
  const all = STATUSES.reduce((n, s) => n + counts[s], 0);
  if (all === 0) return <rect x={x} y={y} width={width} height={height} fill="none" stroke="var(--mantine-color-default-border)" strokeDasharray="3 3" />;
  let at = x;
  return (
    <>
      {STATUSES.filter((s) => counts[s] > 0).map((s) => {
        const w = (width * counts[s]) / all;
        const r = <rect key={s} x={at} y={y} width={w} height={height} fill={fill(s)} data-status={s}><title>{`${counts[s]} ${STATUS_LABEL[s]}`}</title></rect>;
        at += w;
        return r;
      })}
    </>
  );
}

/**
 * Where the document stands against the framework: per severity, how many
 * items are met, partial, not met or not applicable (decisions applied), as
 * a stacked bar and as numbers.
 */
export function ComplianceSummary({ summary }: { summary: Summary }) {
  const W = 260;
  const ROW = 18;
  const LABEL = 58;
  const H = SEVERITIES.length * (ROW + 6);
  const described = SEVERITIES.map((sev) => `${sev}: ${countsText(summary[sev])}`).join('; ');
  return (
    <Stack gap={6}>
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Compliance by severity. ${described}`}>
        {SEVERITIES.map((sev, i) => (
          <g key={sev}>
            <text x={0} y={i * (ROW + 6) + ROW - 5} fontSize={12} fill="var(--mantine-color-text)">{sev}</text>
            <Bar counts={summary[sev]} x={LABEL} y={i * (ROW + 6)} width={W - LABEL - 2} height={ROW} />
          </g>
        ))}
      </svg>
      <Group gap="sm" aria-hidden>
        {STATUSES.map((s) => (
          <Group key={s} gap={4} wrap="nowrap">
            <svg width={10} height={10}><rect width={10} height={10} fill={fill(s)} /></svg>
            <Text size="xs">{STATUS_LABEL[s]}</Text>
          </Group>
        ))}
      </Group>
      <Table aria-label="Compliance by severity" verticalSpacing={2} horizontalSpacing={6} style={{ fontVariantNumeric: 'tabular-nums' }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Severity</Table.Th>
            {STATUSES.map((s) => <Table.Th key={s} ta="right">{STATUS_LABEL[s]}</Table.Th>)}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {SEVERITIES.map((sev) => (
            <Table.Tr key={sev}>
              <Table.Td>{sev}</Table.Td>
              {STATUSES.map((s) => <Table.Td key={s} ta="right">{summary[sev][s]}</Table.Td>)}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** The job screen's one-line version: a thin bar of every item and the counts. */
export function MiniCompliance({ summary }: { summary: Summary }) {
  const totals = summaryTotals(summary);
  return (
    <Group gap={6} wrap="nowrap">
      <svg width={80} height={10} role="img" aria-label={`Compliance: ${countsText(totals)}`}>
        <Bar counts={totals} x={0} y={0} width={80} height={10} />
      </svg>
      <Text size="xs" style={{ whiteSpace: 'nowrap' }}>
        {totals.met} met · {totals.partial} partial · {totals.not_met} not met{totals.not_applicable > 0 ? ` · ${totals.not_applicable} n.a.` : ''}
      </Text>
    </Group>
  );
}
