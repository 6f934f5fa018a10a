import { Badge, Button, Group, Kbd, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import type { ChecklistStatus, Evidence, ReviewItem } from '../../../../shared/contract/index.ts';
import {
  confidenceLabel, DECISION_LABEL, evidenceOf, itemName, rankedDownLabel, SEVERITY_COLOUR, STATUSES, STATUS_COLOUR, STATUS_LABEL,
} from './review-items.ts';

export interface ItemActions {
  onAccept: () => void;
  onReject: () => void;
  onStatus: (status: ChecklistStatus) => void;
  onEditFeedback: () => void;
  onNote: () => void;
  onUndo: () => void;
}

const short = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** Where the evidence is, for its button: "p. 3: “Report No. 54-11-001”". */
export const evidenceLabel = (e: Evidence) => `p. ${e.page}: “${short(e.text.replace(/\s+/g, ' ').trim(), 90)}”`;

/**
 * One checklist item: its status as it now stands, severity, the AI's
 * confidence and feedback, the evidence (each entry shows it in the
 * document), what reviewers decided, and, when selected, the actions.
 */
export function ReviewItemCard({ item, selected, busy, onSelect, onEvidence, actions }: {
  item: ReviewItem;
  selected: boolean;
  busy: boolean;
  onSelect: () => void;
  onEvidence: (e: Evidence) => void;
  actions: ItemActions;
}) {
  const name = itemName(item);
  const evidence = evidenceOf(item);
  const ranked = rankedDownLabel(item);
  const feedbackEdited = item.proposal !== null && item.feedback !== item.proposal.feedback;
  return (
    <Paper
      component="li"
      withBorder
      p="xs"
      className="chitti-review-item"
      aria-label={name}
      aria-current={selected ? 'true' : undefined}
      data-item-id={item.id}
      onClick={(e) => {
        // Buttons inside act for themselves; a click anywhere else on the card selects it.
        if (!(e.target as Element).closest('button')) onSelect();
      }}
    >
      <Stack gap={4}>
        <Group gap={6} wrap="nowrap" align="flex-start" justify="space-between">
          <UnstyledButton onClick={onSelect} aria-label={`Select ${name}`} data-select-item style={{ flex: 1, minWidth: 0 }}>
            <Group gap={6} wrap="wrap">
              <Badge color={STATUS_COLOUR[item.status]} variant={item.decision === 'proposed' ? 'light' : 'filled'} aria-label={`Status: ${STATUS_LABEL[item.status]}`}>
                {STATUS_LABEL[item.status]}
              </Badge>
              <Badge color={SEVERITY_COLOUR[item.severity]} variant="outline" aria-label={`Severity: ${item.severity}`}>{item.severity}</Badge>
              <Text size="sm" fw={600}>{name}</Text>
            </Group>
          </UnstyledButton>
          <Group gap={6} wrap="nowrap">
            {item.proposal && (
              <Tooltip label={`Proposed by ${item.proposal.source}`}>
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>confidence {confidenceLabel(item.proposal.confidence)}</Text>
              </Tooltip>
            )}
            {!item.proposal && <Badge size="xs" variant="light" color="violet">reviewer</Badge>}
            <Badge size="xs" variant="dot" color={item.decision === 'rejected' ? 'red' : item.decision === 'proposed' ? 'gray' : 'teal'}>
              {DECISION_LABEL[item.decision]}
            </Badge>
          </Group>
        </Group>
        {selected && item.requirement !== item.title && <Text size="xs" c="dimmed">{item.requirement}</Text>}
        <Text size="sm" aria-label="Feedback">{item.feedback}{feedbackEdited && <Text span size="xs" c="dimmed"> (edited)</Text>}</Text>
        {ranked && <Text size="xs" c="orange.8" role="note">{ranked}</Text>}
        {selected && item.guidance && item.status !== 'met' && <Text size="xs"><Text span c="dimmed">Guidance: </Text>{item.guidance}</Text>}
        {evidence.length > 0 ? (
          <Stack gap={0} role="list" aria-label={`Evidence for ${name}`}>
            {evidence.map((e, i) => (
              <div role="listitem" key={`${e.page}:${i}`}>
                <Button variant="subtle" size="compact-xs" onClick={() => onEvidence(e)} style={{ maxWidth: '100%' }} aria-label={`Show evidence ${evidenceLabel(e)}`}>
                  <Text span size="xs" truncate="end">{evidenceLabel(e)}</Text>
                </Button>
              </div>
            ))}
          </Stack>
        ) : (
          <Text size="xs" c="dimmed">No evidence found in the document.</Text>
        )}
        {item.rejectReason && item.decision === 'rejected' && <Text size="xs"><Text span c="dimmed">Rejected: </Text>{item.rejectReason}</Text>}
        {item.note && <Text size="xs"><Text span c="dimmed">Note: </Text>{item.note}</Text>}
        {item.decidedBy && item.decidedAt && <Text size="xs" c="dimmed">{DECISION_LABEL[item.decision]} by {item.decidedBy}, {when(item.decidedAt)}</Text>}
        {selected && <ItemActionBar item={item} busy={busy} actions={actions} />}
      </Stack>
    </Paper>
  );
}

/** The selected item's actions, each with its key. */
function ItemActionBar({ item, busy, actions }: { item: ReviewItem; busy: boolean; actions: ItemActions }) {
  const key = (k: string) => <Kbd size="xs">{k}</Kbd>;
  return (
    <Stack gap={6} role="group" aria-label="Decide this item" pt={4}>
      <Group gap={6}>
        <Button size="compact-sm" color="teal" disabled={busy || !item.proposal} onClick={actions.onAccept} rightSection={key('A')} aria-label="Accept" aria-keyshortcuts="a">Accept</Button>
        <Button size="compact-sm" color="red" variant="light" disabled={busy || !item.proposal} onClick={actions.onReject} rightSection={key('R')} aria-label="Reject…" aria-keyshortcuts="r">Reject…</Button>
        <Button size="compact-sm" variant="default" disabled={busy} onClick={actions.onEditFeedback} rightSection={key('E')} aria-label="Edit feedback…" aria-keyshortcuts="e">Edit feedback…</Button>
        <Button size="compact-sm" variant="default" disabled={busy} onClick={actions.onNote} rightSection={key('N')} aria-label="Note…" aria-keyshortcuts="n">Note…</Button>
        <Button size="compact-sm" variant="default" disabled={busy || item.version <= 1} onClick={actions.onUndo} rightSection={key('Z')} aria-label="Undo" aria-keyshortcuts="z">Undo</Button>
      </Group>
      <Group gap={4} role="group" aria-label="Set the status">
        {STATUSES.map((s, i) => (
          <Button
            key={s}
            size="compact-xs"
            variant={item.status === s ? 'filled' : 'default'}
            color={STATUS_COLOUR[s]}
            aria-pressed={item.status === s}
            disabled={busy}
            onClick={() => actions.onStatus(s)}
            rightSection={key(String(i + 1))}
            aria-label={STATUS_LABEL[s]}
            aria-keyshortcuts={String(i + 1)}
          >
            {STATUS_LABEL[s]}
          </Button>
        ))}
      </Group>
    </Stack>
  );
}
