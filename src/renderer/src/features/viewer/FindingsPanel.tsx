import { Alert, Badge, Group, Kbd, Loader, ScrollArea, Stack, Switch, Text, Title, UnstyledButton } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import type { Finding } from '../../../../shared/contract/index.ts';
import type { AssetFindings } from '../../store/app-store.ts';
import { classColour, className, scoreLabel } from '../findings/colours.ts';

const STATUS_LABEL: Record<Finding['status'], string> = { proposed: 'proposed', accepted: 'accepted', rejected: 'rejected', edited: 'edited' };
const STATUS_COLOUR: Record<Finding['status'], string> = { proposed: 'yellow', accepted: 'teal', rejected: 'gray', edited: 'blue' };

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
export function FindingsPanel({ state, error, classes, visible, onVisibleChange, selectedId, onSelect }: FindingsPanelProps) {
  const findings = state?.findings ?? [];
  return (
    <Stack gap="xs" h="100%" component="aside" aria-label="Findings of this image">
      <Group gap={6}>
        <Title order={3} size="h4">Findings</Title>
        {state && <Badge variant="light" color={findings.length > 0 ? 'orange' : 'gray'} aria-label={`${findings.length} findings`}>{findings.length}</Badge>}
      </Group>
      <Switch
        label={<>Show on image <Kbd size="xs">F</Kbd></>}
        aria-label="Show on image"
        size="sm"
        checked={visible}
        onChange={(e) => onVisibleChange(e.currentTarget.checked)}
        aria-keyshortcuts="F"
      />
      {error && <Alert color="red" role="alert" title="Findings could not be read">{error}</Alert>}
      {!state && !error && <Loader size="sm" aria-label="Loading findings" />}
      {state && !state.analysis && (
        <Text size="sm" c="dimmed">Not analysed yet: run <Text span fw={600}>Detect defects</Text> on the job to have findings proposed.</Text>
      )}
      {state?.analysis && <Text size="xs" c="dimmed">{describeAnalysis(state)}</Text>}
      {state?.analysis && findings.length === 0 && <Text size="sm" c="dimmed">No findings above the thresholds.</Text>}
      {findings.length > 0 && (
        <ScrollArea style={{ flex: 1 }} type="auto" offsetScrollbars>
          <Stack component="ul" gap={4} m={0} p={0} aria-label="Findings" style={{ listStyle: 'none' }} onKeyDown={onListKeyDown}>
            {findings.map((f) => {
              const selected = f.id === selectedId;
              const colour = classColour(f.class, classes);
              return (
                <li key={f.id}>
                  <UnstyledButton
                    data-finding-button
                    onClick={() => onSelect(f)}
                    aria-current={selected ? 'true' : undefined}
                    aria-label={`${className(f.class)}, score ${scoreLabel(f.score)}, ${STATUS_LABEL[f.status]}`}
                    w="100%"
                    px="xs"
                    py={6}
                    style={{
                      borderRadius: 'var(--mantine-radius-sm)',
                      borderLeft: `4px solid ${colour}`,
                      background: selected ? 'var(--mantine-primary-color-light)' : 'var(--mantine-color-default-hover)',
                    }}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={600} truncate="end">{className(f.class)}</Text>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" style={{ fontVariantNumeric: 'tabular-nums' }}>{scoreLabel(f.score)}</Text>
                        <Badge size="xs" variant="light" color={STATUS_COLOUR[f.status]}>{STATUS_LABEL[f.status]}</Badge>
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
