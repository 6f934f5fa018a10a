import { Badge, Card, SimpleGrid, Text } from '@mantine/core';
import { useMemo, useRef, type KeyboardEvent } from 'react';
import type { Analysis, Asset } from '../../../../shared/contract/index.ts';
import { useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { latestAnalyses, selectAnalyses } from '../../store/selectors.ts';
import { Thumbnail } from './Thumbnail.tsx';

const sizeLabel = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} kB`);

/** How many cards fit in one row right now (for arrow-key moves up and down). */
function columns(grid: HTMLElement): number {
  const cards = Array.from(grid.querySelectorAll<HTMLElement>('[data-asset-card]'));
  const top = cards[0]?.offsetTop;
  const n = cards.findIndex((c) => c.offsetTop !== top);
  return n <= 0 ? Math.max(cards.length, 1) : n;
}

const findingsText = (n: number) => (n === 0 ? 'no findings' : n === 1 ? '1 finding' : `${n} findings`);

/** What the latest analysis of an image found, for its card's label and badge. */
function analysisSummary(a: Analysis | undefined): string {
  if (!a) return '';
  return a.status === 'done' ? findingsText(a.findingCount) : `not analysed: ${a.message ?? a.errorCode ?? 'failed'}`;
}

function FindingsBadge({ analysis }: { analysis: Analysis }) {
  const failed = analysis.status === 'failed';
  const n = analysis.findingCount;
  return (
    <Badge
      data-testid="findings-badge"
      aria-hidden // the card's label says it
      title={failed ? (analysis.message ?? undefined) : undefined}
      color={failed ? 'red' : n > 0 ? 'orange' : 'gray'}
      variant={failed || n > 0 ? 'filled' : 'default'}
      size="sm"
      style={{ position: 'absolute', top: 6, right: 6, boxShadow: '0 0 0 1px rgba(0,0,0,.25)' }}
    >
      {failed ? 'Not analysed' : findingsText(n).replace(/^no/, 'No')}
    </Badge>
  );
}

/**
 * The job's files as cards. Each card is a link (Enter opens it); arrow keys,
 * Home and End move between cards like in a file manager.
 */
export function AssetGrid({ jobId, assets }: { jobId: string; assets: Asset[] }) {
  const grid = useRef<HTMLDivElement>(null);
  const analyses = useAppStore(selectAnalyses(jobId));
  const latest = useMemo(() => latestAnalyses(analyses), [analyses]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!grid.current) return;
    const cards = Array.from(grid.current.querySelectorAll<HTMLElement>('[data-asset-card]'));
    const at = cards.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns(grid.current), ArrowUp: -columns(grid.current) };
    let target = at;
    if (e.key in step) target = Math.min(cards.length - 1, Math.max(0, at + (step[e.key] ?? 0)));
    else if (e.key === 'Home') target = 0;
    else if (e.key === 'End') target = cards.length - 1;
    else return;
    e.preventDefault();
    cards[target]?.focus();
  };

  return (
    <SimpleGrid ref={grid} cols={{ base: 2, sm: 3, md: 4, lg: 5, xl: 6 }} spacing="sm" role="list" aria-label="Files in this job" onKeyDown={onKeyDown}>
      {assets.map((a) => {
        const analysis = latest.get(a.id);
        const summary = analysisSummary(analysis);
        return (
          <Card
            key={a.id}
            component="a"
            href={routeHref({ screen: 'viewer', jobId, assetId: a.id })}
            role="listitem"
            aria-label={`${a.originalName}, ${a.kind === 'image' ? 'image' : 'document'}, ${sizeLabel(a.size)}${summary ? `, ${summary}` : ''}`}
            data-asset-card
            withBorder
            padding={0}
            style={{ overflow: 'hidden' }}
          >
            <div style={{ position: 'relative' }}>
              <Thumbnail asset={a} />
              {analysis && <FindingsBadge analysis={analysis} />}
            </div>
            <Text size="sm" fw={600} px="xs" pt={6} truncate="end" title={a.originalName}>{a.originalName}</Text>
            <Text size="xs" c="dimmed" px="xs" pb={6}>
              {a.mime} · {sizeLabel(a.size)}
            </Text>
          </Card>
        );
      })}
    </SimpleGrid>
  );
}
