import { Blockquote, Button, Group, Kbd, Modal, NativeSelect, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { ChecklistStatus, Evidence, Severity } from '../../../../shared/contract/index.ts';
import type { NewReviewItem } from '../../store/documents-slice.ts';
import { ReasonDialog } from '../review/ReasonDialog.tsx';
import { FEEDBACK_REJECT_REASONS, SEVERITIES, STATUSES, STATUS_LABEL } from './review-items.ts';

/**
 * Why the AI's feedback on an item is rejected (see ReasonDialog for the
 * keys). The reason is kept, and ranks the same feedback down in later reviews.
 */
export function RejectItemDialog({ opened, label, onReject, onClose }: {
  opened: boolean;
  label: string;
  onReject: (reason: string) => void;
  onClose: () => void;
}) {
  return (
    <ReasonDialog opened={opened} title="Reject the AI's feedback" question={`${label}: why is this feedback wrong?`} reasons={FEEDBACK_REJECT_REASONS} onReject={onReject} onClose={onClose} />
  );
}

/** Ctrl+Enter (⌘+Enter) in a text area submits its form, as in most editors. */
const submitOnModEnter = (e: KeyboardEvent<HTMLTextAreaElement>) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.form?.requestSubmit();
  }
};

/** One text to write: the item's feedback (edited) or a note on it. */
export function TextDialog({ opened, title, label, initial, required, maxLength, onSubmit, onClose }: {
  opened: boolean;
  title: string;
  label: string;
  initial: string;
  /** Feedback cannot be empty; a note can (it clears the note). */
  required: boolean;
  maxLength: number;
  onSubmit: (text: string) => void;
  onClose: () => void;
}) {
  const [text, setText] = useState(initial);
  useEffect(() => {
    if (opened) setText(initial);
  }, [opened, initial]);
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      <form onSubmit={(e) => { e.preventDefault(); if (!required || text.trim()) onSubmit(text.trim()); }}>
        <Stack gap="xs">
          <Textarea label={label} value={text} onChange={(e) => setText(e.currentTarget.value)} rows={6} resize="vertical" maxLength={maxLength} onKeyDown={submitOnModEnter} data-autofocus />
          <Group justify="space-between">
            <Text size="xs" c="dimmed"><Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd> saves</Text>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>Cancel</Button>
              <Button type="submit" disabled={required && !text.trim()}>Save</Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Feedback the reviewer adds on a passage of the document: the selection is
 * its anchor (page, text, box), shown as a quote; a title, status, severity,
 * section and the feedback itself make it an item of the checklist.
 */
export function AddFeedbackDialog({ opened, anchor, sections, onAdd, onClose }: {
  opened: boolean;
  anchor: Evidence | null;
  /** The review's sections, offered first; "Reviewer" is the default. */
  sections: string[];
  onAdd: (input: NewReviewItem) => void;
  onClose: () => void;
}) {
  const [title, setTitle] = useState('');
  const [status, setStatus] = useState<ChecklistStatus>('not_met');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [section, setSection] = useState('Reviewer');
  const [feedback, setFeedback] = useState('');
  useEffect(() => {
    if (!opened) return;
    setTitle('');
    setStatus('not_met');
    setSeverity('medium');
    setSection('Reviewer');
    setFeedback('');
  }, [opened]);
  const ready = anchor !== null && title.trim() !== '' && feedback.trim() !== '';
  const submit = () => {
    if (!ready) return;
    onAdd({ title: title.trim(), status, severity, section, feedback: feedback.trim(), anchor });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Add feedback on the selection" size="lg">
      <form onSubmit={(e) => { e.preventDefault(); submit(); }}>
        <Stack gap="xs">
          {anchor && (
            <Blockquote p="xs" aria-label="Selected text">
              <Text size="xs" c="dimmed">Page {anchor.page}</Text>
              <Text size="sm">{anchor.text.length > 400 ? `${anchor.text.slice(0, 399)}…` : anchor.text}</Text>
            </Blockquote>
          )}
          <TextInput label="Title" required value={title} onChange={(e) => setTitle(e.currentTarget.value)} maxLength={300} data-autofocus />
          <Group grow>
            <NativeSelect label="Status" value={status} onChange={(e) => setStatus(e.currentTarget.value as ChecklistStatus)}
              data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))} />
            <NativeSelect label="Severity" value={severity} onChange={(e) => setSeverity(e.currentTarget.value as Severity)}
              data={SEVERITIES.map((s) => ({ value: s, label: s }))} />
            <NativeSelect label="Section" value={section} onChange={(e) => setSection(e.currentTarget.value)}
              data={[...new Set(['Reviewer', ...sections])]} />
          </Group>
          <Textarea label="Feedback" required value={feedback} onChange={(e) => setFeedback(e.currentTarget.value)} rows={5} resize="vertical" maxLength={4000} onKeyDown={submitOnModEnter} />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" disabled={!ready}>Add feedback</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
