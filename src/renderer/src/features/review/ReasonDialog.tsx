import { Button, Group, Kbd, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState, type KeyboardEvent } from 'react';

/**
 * Asks why something is rejected: a number key (or a click) picks one of the
 * usual `reasons` at once; the next number (or "Other…") asks for free text,
 * Enter confirms it. Findings and checklist feedback are rejected the same way
 * so the keys a reviewer learns on one screen work on the other.
 */
export function ReasonDialog({ opened, title, question, reasons, onReject, onClose }: {
  opened: boolean;
  title: string;
  /** Shown above the reasons, e.g. "scratches, score 0.87: why is it not a defect?". */
  question: string;
  reasons: readonly string[];
  onReject: (reason: string) => void;
  onClose: () => void;
}) {
  const [other, setOther] = useState<string | null>(null);
  useEffect(() => {
    if (opened) setOther(null);
  }, [opened]);
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if ((e.target as HTMLElement).closest('input, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const n = Number(e.key);
    // The screen's own number keys (the viewer's classes, the review screen's statuses) must not see the key that picked the reason.
    if (n >= 1 && n <= reasons.length + 1) e.stopPropagation();
    if (n >= 1 && n <= reasons.length) {
      e.preventDefault();
      onReject(reasons[n - 1]!);
    } else if (n === reasons.length + 1) {
      e.preventDefault();
      setOther('');
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} onKeyDown={onKeyDown}>
      <Stack gap="xs">
        <Text size="sm">{question}</Text>
        {reasons.map((r, i) => (
          <Button key={r} variant="default" justify="space-between" rightSection={<Kbd>{i + 1}</Kbd>} onClick={() => onReject(r)} data-autofocus={i === 0 || undefined}>
            {r}
          </Button>
        ))}
        {other === null ? (
          <Button variant="default" justify="space-between" rightSection={<Kbd>{reasons.length + 1}</Kbd>} onClick={() => setOther('')}>Other…</Button>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); if (other.trim()) onReject(other.trim()); }}>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput style={{ flex: 1 }} label="Other reason" value={other} onChange={(e) => setOther(e.currentTarget.value)} maxLength={1000} autoFocus />
              <Button type="submit" color="red" disabled={!other.trim()}>Reject</Button>
            </Group>
          </form>
        )}
      </Stack>
    </Modal>
  );
}
