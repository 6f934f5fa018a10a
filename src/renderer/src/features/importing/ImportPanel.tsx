import { Alert, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { useRef, useState, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ImportFile } from '../../api/client.ts';
import { useAppStore } from '../../store/context.tsx';
import { selectImportsOfJob } from '../../store/selectors.ts';
import { filesFromDrop, filesFromInput } from './collect-files.ts';
import { ImportProgress } from './ImportProgress.tsx';

/** Drop files or folders here, or pick them; each import shows its own progress and outcomes. */
export function ImportPanel({ jobId }: { jobId: string }) {
  const startImport = useAppStore((s) => s.startImport);
  const imports = useAppStore(useShallow(selectImportsOfJob(jobId)));
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const start = async (files: ImportFile[]) => {
    if (files.length === 0) return;
    setError(null);
    try {
      await startImport(jobId, files);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    await start(await filesFromDrop(e.dataTransfer));
  };

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="lg"
        role="group"
        aria-label="Import files"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => void onDrop(e)}
        style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: dragging ? 'var(--mantine-color-teal-6)' : undefined }}
      >
        <Group justify="space-between" wrap="nowrap">
          <Text c="dimmed">
            Drop photos, radiographs (JPEG, PNG, TIFF, DICOM) and reports (PDF, DOCX, TXT, RTF) here — folders too.
            Each file is checked by its content.
          </Text>
          <Group gap="xs" wrap="nowrap">
            <Button onClick={() => filesInput.current?.click()}>Add files…</Button>
            <Button variant="light" onClick={() => folderInput.current?.click()}>Add folder…</Button>
          </Group>
        </Group>
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          data-testid="import-files-input"
          onChange={(e) => {
            void start(filesFromInput(e.currentTarget.files));
            e.currentTarget.value = '';
          }}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="import-folder-input"
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => {
            void start(filesFromInput(e.currentTarget.files));
            e.currentTarget.value = '';
          }}
        />
      </Paper>
      {error && (
        <Alert color="red" title="The import could not start" role="alert">
          {error}
        </Alert>
      )}
      {imports.map((i) => (
        <ImportProgress key={i.task.id} state={i} />
      ))}
    </Stack>
  );
}
