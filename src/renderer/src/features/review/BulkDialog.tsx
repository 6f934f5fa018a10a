import { Alert, Button, Group, Modal, NativeSelect, NumberInput, SegmentedControl, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Finding, ProcedureInput } from '../../../../shared/contract/index.ts';
import { useApi, useAppStore } from '../../store/context.tsx';
import { className } from '../findings/colours.ts';
import { REJECT_REASONS } from './review.ts';

type Action = 'accept' | 'reject';
type Filter = NonNullable<ProcedureInput<'findings.bulk'>['filter']>;

export type BulkRequest =
  | { kind: 'selection'; action: Action; findings: Finding[] }
  | { kind: 'threshold'; action: Action; class: string | null };

const plural = (n: number) => `${n} finding${n === 1 ? '' : 's'}`;

/**
 * Accepts or rejects many findings at once, after saying how many: the
 * selected ones, or every proposed one of this image or the whole job scoring
 * above or below a threshold (counted by `findings.query` before anything is
 * decided). Only proposed findings are decided; decided ones are left alone.
 */
export function BulkDialog({ request, jobId, assetId, onClose, onDone }: {
  request: BulkRequest | null;
  jobId: string;
  /** The image on screen, for "this image"; none (the job's findings list): the whole job only. */
  assetId?: string | undefined;
  onClose: () => void;
  onDone: (count: number, action: Action) => void;
}) {
  const api = useApi();
  const bulkDecide = useAppStore((s) => s.bulkDecide);
  const [action, setAction] = useState<Action>('accept');
  const [side, setSide] = useState<'above' | 'below'>('above');
  const [threshold, setThreshold] = useState(0.8);
  const [scope, setScope] = useState<'job' | 'image'>('job');
  const [reason, setReason] = useState<string>(REJECT_REASONS[0]);
  const [count, setCount] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!request) return;
    setAction(request.action);
    setError(null);
  }, [request]);

  const cls = request?.kind === 'threshold' ? request.class : null;
  const filter: Filter = {
    status: 'proposed',
    ...(cls !== null ? { class: cls } : {}),
    ...(side === 'above' ? { minScore: threshold } : { maxScore: threshold }),
    ...(scope === 'image' && assetId ? { assetId } : {}),
  };
  const filterKey = JSON.stringify(filter);

  // How many the threshold catches, asked of the core each time it changes.
  useEffect(() => {
    if (request?.kind !== 'threshold') return;
    let live = true;
    setCount(null);
    const timer = setTimeout(() => {
      api.invoke('findings.query', { jobId, ...(JSON.parse(filterKey) as Filter), sort: 'score-desc', limit: 1, offset: 0 }).then(
        ({ total }) => live && setCount(total),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, jobId, request?.kind, filterKey]);

  const selected = request?.kind === 'selection' ? request.findings.filter((f) => f.status === 'proposed') : [];
  const n = request?.kind === 'selection' ? selected.length : count;
  const verb = action === 'accept' ? 'Accept' : 'Reject';

  const run = async () => {
    if (!request || !n) return;
    setBusy(true);
    setError(null);
    try {
      // Through the store: the bulk decision is one step for undo (Ctrl+Z).
      const done = await bulkDecide({
        jobId,
        action,
        ...(request.kind === 'selection' ? { findingIds: selected.map((f) => f.id) } : { filter }),
        ...(action === 'reject' ? { reason } : {}),
      });
      onDone(done, action);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={request !== null} onClose={onClose} title={request?.kind === 'selection' ? 'Decide the selected findings' : 'Decide by score threshold'}>
      <Stack gap="sm">
        <SegmentedControl
          aria-label="Decision"
          value={action}
          onChange={(v) => setAction(v)}
          data={[{ value: 'accept', label: 'Accept' }, { value: 'reject', label: 'Reject' }]}
        />
        {request?.kind === 'threshold' && (
          <>
            <Group grow align="flex-end">
              <NativeSelect
                label="Scores"
                value={side}
                onChange={(e) => setSide(e.currentTarget.value as 'above' | 'below')}
                data={[{ value: 'above', label: 'at or above' }, { value: 'below', label: 'at or below' }]}
              />
              <NumberInput
                label="Threshold" min={0} max={1} step={0.05} decimalScale={2} hideControls
                value={threshold}
                onChange={(v) => {
                  const t = typeof v === 'number' ? v : Number.parseFloat(v);
                  if (Number.isFinite(t)) setThreshold(Math.min(1, Math.max(0, t)));
                }}
              />
            </Group>
            {assetId && <NativeSelect
              label="In"
              value={scope}
              onChange={(e) => setScope(e.currentTarget.value as 'job' | 'image')}
              data={[{ value: 'job', label: 'every image of the job' }, { value: 'image', label: 'this image' }]}
            />}
          </>
        )}
        {action === 'reject' && (
          <NativeSelect label="Reason" value={reason} onChange={(e) => setReason(e.currentTarget.value)} data={[...REJECT_REASONS]} />
        )}
        <Text role="status" size="sm">
          {n === null
            ? 'Counting…'
            : `${verb} ${plural(n)}: ${n === 1 ? 'it is' : 'these are'} the proposed ${request?.kind === 'selection' ? 'ones selected' : `ones${cls ? ` of class ${className(cls)}` : ''} scoring ${side === 'above' ? '≥' : '≤'} ${threshold.toFixed(2)} in ${scope === 'image' && assetId ? 'this image' : 'the whole job'}`}. Findings already decided are left as they are.`}
        </Text>
        {error && <Alert color="red" role="alert">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button color={action === 'accept' ? 'teal' : 'red'} disabled={!n || busy} loading={busy} onClick={() => void run()}>
            {`${verb} ${n === null ? '…' : plural(n)}`}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
