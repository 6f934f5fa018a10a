import { ReasonDialog } from './ReasonDialog.tsx';
import { REJECT_REASONS } from './review.ts';

/** Why a finding is rejected (see ReasonDialog for the keys). */
export function RejectDialog({ opened, label, onReject, onClose }: {
  opened: boolean;
  /** The finding, as people read it ("scratches, score 0.87"). */
  label: string;
  onReject: (reason: string) => void;
  onClose: () => void;
}) {
  return (
    <ReasonDialog opened={opened} title="Reject finding" question={`${label}: why is it not a defect?`} reasons={REJECT_REASONS} onReject={onReject} onClose={onClose} />
  );
}
