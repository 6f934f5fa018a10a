import { Button, Group, Kbd, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { REJECT_REASONS } from './review.ts';

/**
 * Why a finding is rejected: a number key picks one of the usual reasons at
 * once; 5 (or "Other…") asks for free text, Enter confirms it.
 */
export function RejectDialog({ opened, label, onReject, onClose }: {
  opened: boolean;
  /** The finding, as people read it ("scratches, score 0.87"). */
  label: string;
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
    // The viewer's own keys (1–9 change the class) must not see the key that picked the reason.
    if (n >= 1 && n <= REJECT_REASONS.length + 1) e.stopPropagation();
    if (n >= 1 && n <= REJECT_REASONS.length) {
      e.preventDefault();
      onReject(REJECT_REASONS[n - 1]!);
    } else if (n === REJECT_REASONS.length + 1) {
      e.preventDefault();
      setOther('');
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Reject finding" onKeyDown={onKeyDown}>
      <Stack gap="xs">
        <Text size="sm">{label}: why is it not a defect?</Text>
        {REJECT_REASONS.map((r, i) => (
          <Button key={r} variant="default" justify="space-between" rightSection={<Kbd>{i + 1}</Kbd>} onClick={() => onReject(r)} data-autofocus={i === 0 || undefined}>
            {r}
          </Button>
        ))}
        {other === null ? (
          <Button variant="default" justify="space-between" rightSection={<Kbd>{REJECT_REASONS.length + 1}</Kbd>} onClick={() => setOther('')}>Other…</Button>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); if (other.trim()) onReject(other.trim()); }}>
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label="Other reason"
                value={other}
                onChange={(e) => setOther(e.currentTarget.value)}
                maxLength={1000}
                autoFocus
              />
              <Button type="submit" color="red" disabled={!other.trim()}>Reject</Button>
            </Group>
          </form>
        )}
      </Stack>
    </Modal>
  );
}
