import { Alert, Badge, Checkbox, Group, Kbd, Loader, ScrollArea, Stack, Switch, Text, Title, UnstyledButton } from '@mantine/core';
import type { KeyboardEvent, ReactNode } from 'react';
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

/** Up, Down, Home and End move between findings (and do not pan the image meanwhile). */
function onListKeyDown(e: KeyboardEvent<HTMLElement>) {
  const buttons = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('[data-finding-button]'));
  const at = buttons.indexOf(document.activeElement as HTMLElement);
  if (at < 0) return;
  const target = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[e.key];
  if (target === undefined) return;
  e.preventDefault();
  e.stopPropagation();
  buttons[Math.min(buttons.length - 1, Math.max(0, target))]?.focus();
}

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
        <ScrollArea style={{ flex: 1 }} type="auto" offsetScrollbars>
          <Stack component="ul" gap={4} m={0} p={0} aria-label="Findings" style={{ listStyle: 'none' }} onKeyDown={onListKeyDown}>
            {findings.map((f) => {
              const selected = f.id === selectedId;
              const hidden = hiddenClasses?.has(f.class) ?? false;
              const colour = f.status === 'rejected' || hidden ? 'var(--mantine-color-gray-5)' : classColour(f.class, classes);
              const label = `${className(f.class)}, score ${scoreLabel(f.score)}, ${STATUS_LABEL[f.status]}`;
              return (
                <li key={f.id} style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
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
          </Stack>
        </ScrollArea>
      )}
    </Stack>
  );
}
