import { Alert, Badge, Checkbox, Group, Kbd, Loader, ScrollArea, Stack, Switch, Text, Title, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import type { Finding } from '../../../../shared/contract/index.ts';
import type { AssetFindings } from '../../store/app-store.ts';
import { classColour, className, scoreLabel } from '../findings/colours.ts';

import { STATUS_COLOUR, STATUS_LABEL } from '../review/review.ts';

export interface FindingsPanelProps {
  /** undefined while loading. */
  state: AssetFindings | undefined;
  error?: string | undefined;
  /** The class list of the model that made them, for their colours. */
  classes: readonly string[];
  visible: boolean;
  onVisibleChange: (visible: boolean) => void;
  selectedId: string | null;
  onSelect: (finding: Finding) => void;
  /** The findings to list, filtered and ordered (default: all of them, as read). */
  listed?: Finding[];
  /** Filters, the selected finding's decisions and bulk actions, shown above the list. */
  controls?: ReactNode;
  /** Findings ticked for a bulk decision. */
  checked?: ReadonlySet<string>;
  onCheck?: (finding: Finding, checked: boolean) => void;
  /** Per-class visibility, opacity and labels of the drawings, shown under the "Show on image" switch. */
  overlayControls?: ReactNode;
  /** Classes not drawn on the image: greyed in the list, still listed and reviewable. */
  hiddenClasses?: ReadonlySet<string>;
}

/**
 * Lists longer than this are virtual: only the rows on screen (and a few
 * either side) are in the page, so a radiograph with hundreds of findings
 * scrolls as lightly as a photo with three. Shorter lists are all there.
 */
export const VIRTUAL_FROM = 60;
/** Every row's height: the virtual list places rows by arithmetic, without measuring them. */
const ROW_HEIGHT = 34;
const ROW_GAP = 4;

function describeAnalysis(state: AssetFindings): string {
  const a = state.analysis;
  if (!a) return '';
  const threshold = a.settings.threshold === null ? "the model's thresholds" : `threshold ${a.settings.threshold}`;
  return `${a.modelId} ${a.modelVersion} · ${threshold} · ${new Date(a.createdAt).toLocaleString()}`;
}

/** The image's findings, highest score first: each one a button that brings it into view. */
export function FindingsPanel({ state, error, classes, visible, onVisibleChange, selectedId, onSelect, listed, controls, checked, onCheck, overlayControls, hiddenClasses }: FindingsPanelProps) {
  const all = state?.findings ?? [];
  const findings = listed ?? all;
  const viewport = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const virtual = findings.length > VIRTUAL_FROM;
  const virtualizer = useVirtualizer({
    count: virtual ? findings.length : 0,
    enabled: virtual,
    getScrollElement: () => viewport.current,
    estimateSize: () => ROW_HEIGHT + ROW_GAP,
    overscan: 6,
  });
  const rows = virtual ? virtualizer.getVirtualItems() : findings.map((_, index) => ({ index, start: 0 }));

  // The selected finding (picked here, or with j/k over the image) stays in sight.
  const selectedIndex = selectedId === null ? -1 : findings.findIndex((f) => f.id === selectedId);
  useEffect(() => {
    if (selectedIndex < 0) return;
    if (virtual) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    else list.current?.querySelector(`[data-index="${selectedIndex}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedIndex, virtual, virtualizer]);

  // Up, Down, Home and End move the focus between findings (and do not pan the image meanwhile).
  // A row scrolled out of a virtual list is not in the page: it is scrolled to, then focused once rendered.
  const pendingFocus = useRef<number | null>(null);
  const buttonAt = (index: number) => list.current?.querySelector<HTMLElement>(`[data-index="${index}"] [data-finding-button]`);
  useLayoutEffect(() => {
    if (pendingFocus.current === null) return;
    const button = buttonAt(pendingFocus.current);
    if (!button) return;
    pendingFocus.current = null;
    button.focus();
  });
  const onListKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const row = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-index]');
    if (!row || !e.currentTarget.contains(row)) return;
    const at = Number(row.dataset.index);
    const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: findings.length - 1 }[e.key];
    if (target === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    const to = Math.min(findings.length - 1, Math.max(0, target));
    const button = buttonAt(to);
    if (button) {
      button.focus();
    } else {
      pendingFocus.current = to;
      virtualizer.scrollToIndex(to, { align: 'auto' });
    }
  };

  const listStyle: CSSProperties = virtual
    ? { listStyle: 'none', margin: 0, padding: 0, position: 'relative', height: virtualizer.getTotalSize() }
    : { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: ROW_GAP };
  return (
    <Stack gap="xs" h="100%" component="aside" aria-label="Findings of this image">
      <Group gap={6}>
        <Title order={3} size="h4">Findings</Title>
        {state && <Badge variant="light" color={all.length > 0 ? 'orange' : 'gray'} aria-label={`${all.length} findings`}>{all.length}</Badge>}
        {state && findings.length !== all.length && <Text size="xs" c="dimmed">{findings.length} shown</Text>}
      </Group>
      <Switch
        label={<>Show on image <Kbd size="xs">F</Kbd></>}
        aria-label="Show on image"
        size="sm"
        checked={visible}
        onChange={(e) => onVisibleChange(e.currentTarget.checked)}
        aria-keyshortcuts="F"
      />
      {all.length > 0 && overlayControls}
      {error && <Alert color="red" role="alert" title="Findings could not be read">{error}</Alert>}
      {!state && !error && <Loader size="sm" aria-label="Loading findings" />}
      {state && !state.analysis && (
        <Text size="sm" c="dimmed">Not analysed yet: run <Text span fw={600}>Detect defects</Text> on the job to have findings proposed.</Text>
      )}
      {state?.analysis && <Text size="xs" c="dimmed">{describeAnalysis(state)}</Text>}
      {state?.analysis && all.length === 0 && <Text size="sm" c="dimmed">No findings above the thresholds.</Text>}
      {all.length > 0 && controls}
      {all.length > 0 && findings.length === 0 && <Text size="sm" c="dimmed">No finding matches the filters.</Text>}
      {findings.length > 0 && (
        <ScrollArea style={{ flex: 1 }} type="auto" offsetScrollbars viewportRef={viewport}>
          <ul ref={list} aria-label="Findings" style={listStyle} onKeyDown={onListKeyDown}>
            {rows.map(({ index, start }) => {
              const f = findings[index]!;
              const selected = f.id === selectedId;
              const hidden = hiddenClasses?.has(f.class) ?? false;
              const colour = f.status === 'rejected' || hidden ? 'var(--mantine-color-gray-5)' : classColour(f.class, classes);
              const label = `${className(f.class)}, score ${scoreLabel(f.score)}, ${STATUS_LABEL[f.status]}`;
              const placed: CSSProperties = virtual ? { position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${start}px)` } : {};
              return (
                <li
                  key={f.id}
                  data-index={index}
                  // Where it stands among all of them, as not all rows of a virtual list are in the page.
                  aria-setsize={findings.length}
                  aria-posinset={index + 1}
                  style={{ display: 'flex', alignItems: 'center', gap: 6, height: ROW_HEIGHT, ...placed }}
                >
                  {onCheck && (
                    <Checkbox size="xs" aria-label={`Select ${label}`} checked={checked?.has(f.id) ?? false} onChange={(e) => onCheck(f, e.currentTarget.checked)} />
                  )}
                  <UnstyledButton
                    data-finding-button
                    onClick={() => onSelect(f)}
                    aria-current={selected ? 'true' : undefined}
                    aria-label={label}
                    data-status={f.status}
                    data-hidden={hidden || undefined}
                    title={hidden ? 'Class hidden on the image' : undefined}
                    w="100%"
                    h={ROW_HEIGHT}
                    px="xs"
                    py={6}
                    style={{
                      borderRadius: 'var(--mantine-radius-sm)',
                      borderLeft: `4px ${f.status === 'rejected' ? 'dashed' : 'solid'} ${colour}`,
                      opacity: hidden ? 0.45 : f.status === 'rejected' ? 0.65 : 1,
                      background: selected ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)',
                    }}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={600} truncate="end" td={f.status === 'rejected' ? 'line-through' : undefined}>{className(f.class)}</Text>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>{scoreLabel(f.score)}</Text>
                        <Badge size="xs" variant={f.status === 'proposed' ? 'light' : 'filled'} color={STATUS_COLOUR[f.status]}>{STATUS_LABEL[f.status]}</Badge>
                      </Group>
                    </Group>
                  </UnstyledButton>
                </li>
              );
            })}
          </ul>
        </ScrollArea>
      )}
    </Stack>
  );
}
