import { Alert, Anchor, Button, Group, NativeSelect, NumberInput, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ModelSummary } from '../../../../shared/contract/index.ts';
import { useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { defaultDetectModel, selectDetectionsOfJob } from '../../store/selectors.ts';
import { TASK_LABEL } from '../models/ModelDetail.tsx';
import { DetectProgress } from './DetectProgress.tsx';

const optionGroups = (models: ModelSummary[]) =>
  (['detect', 'segment'] as const)
    .map((task) => ({
      group: TASK_LABEL[task],
      items: models.filter((m) => m.task === task).map((m) => ({ value: m.id, label: `${m.title} (${m.id} ${m.version})` })),
    }))
    .filter((g) => g.items.length > 0);

/**
 * Runs a model on every image of the job, in the background: pick the model
 * (the first detector unless told otherwise) and, if wanted, one score
 * threshold for all classes instead of the model's own.
 */
export function DetectPanel({ jobId, imageCount }: { jobId: string; imageCount: number }) {
  const models = useAppStore((s) => s.models);
  const modelsError = useAppStore((s) => s.modelsError);
  const loadModels = useAppStore((s) => s.loadModels);
  const startDetect = useAppStore((s) => s.startDetect);
  const detections = useAppStore(useShallow(selectDetectionsOfJob(jobId)));
  const [picked, setPicked] = useState<string | null>(null);
  const [threshold, setThreshold] = useState<string | number>('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (models === null) void loadModels();
  }, [models, loadModels]);

  const list = models?.models ?? [];
  const model = list.find((m) => m.id === picked) ?? defaultDetectModel(list);

  const start = async () => {
    if (!model) return;
    setStarting(true);
    setError(null);
    try {
      await startDetect(jobId, { modelId: model.id, ...(typeof threshold === 'number' ? { threshold } : {}) });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };

  return (
    <Stack gap="sm">
      <Paper withBorder p="sm" role="group" aria-label="Defect detection">
        <Stack gap="xs">
          {models && list.length === 0 ? (
            <Text size="sm" c="dimmed">
              No model is installed, so defects cannot be proposed. <Anchor href={routeHref({ screen: 'models' })}>Models</Anchor>
            </Text>
          ) : (
            <Group align="flex-end" gap="sm" wrap="wrap">
              <NativeSelect
                label="Model"
                data={optionGroups(list)}
                value={model?.id ?? ''}
                onChange={(e) => setPicked(e.currentTarget.value)}
                disabled={!models}
                miw={320}
              />
              <NumberInput
                label="Score threshold"
                placeholder="model's own"
                min={0}
                max={1}
                step={0.05}
                decimalScale={2}
                clampBehavior="strict"
                allowNegative={false}
                value={threshold}
                onChange={setThreshold}
                w={170}
              />
              <Button onClick={() => void start()} loading={starting} disabled={!model || imageCount === 0}>
                Detect defects
              </Button>
            </Group>
          )}
          <Text size="xs" c="dimmed">
            {imageCount === 0
              ? 'Import images first: detection runs on the images of this job.'
              : `Runs on the ${imageCount === 1 ? 'image' : `${imageCount} images`} of this job, in the background. A score threshold (0–1) applies to every class instead of the model's own. Findings are proposals for you to review.`}
          </Text>
        </Stack>
      </Paper>
      {modelsError && <Alert color="red" role="alert" title="Models could not be listed">{modelsError}</Alert>}
      {error && <Alert color="red" role="alert" title="Detection could not start">{error}</Alert>}
      {detections.map((d) => <DetectProgress key={d.task.id} state={d} />)}
    </Stack>
  );
}
