import { Alert, Anchor, Badge, Code, List, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { className } from '../findings/colours.ts';
import { ModelDetail, ORIGIN_LABEL, TASK_LABEL } from './ModelDetail.tsx';

/** Every installed model with its manifest (metrics, thresholds, training data, licence), and the model folders that could not be used. */
export function ModelsScreen({ modelId }: { modelId?: string }) {
  const models = useAppStore((s) => s.models);
  const error = useAppStore((s) => s.modelsError);
  const loadModels = useAppStore((s) => s.loadModels);

  useEffect(() => {
    // Read each time the screen opens: a model may have been added to the workspace since.
    void loadModels();
  }, [loadModels]);

  const list = models?.models ?? [];
  const selected = list.find((m) => m.id === modelId) ?? (modelId === undefined ? list[0] : undefined);

  return (
    <Stack>
      <Stack gap={2}>
        <Title order={2}>Models</Title>
        <Text size="sm" c="dimmed">
          The models on this machine that propose findings. Nothing is sent anywhere: they run here, and every finding
          they propose waits for a person to accept, reject or correct it.
        </Text>
      </Stack>
      {error && <Alert color="red" role="alert" title="Models could not be listed">{error}</Alert>}
      {models === null && !error && <Loader aria-label="Loading models" />}
      {models && models.problems.length > 0 && (
        <Alert color="orange" title={`${models.problems.length} model folder${models.problems.length === 1 ? '' : 's'} could not be used`} role="alert">
          <List size="sm" spacing={4} aria-label="Models that could not be loaded">
            {models.problems.map((p) => (
              <List.Item key={p.dir}>
                <Code>{p.dir}</Code>: {p.message}
              </List.Item>
            ))}
          </List>
        </Alert>
      )}
      {models && list.length === 0 && (
        <Text c="dimmed">No models are installed. Built-in models ship with Chitti; your own go in the workspace's models folder.</Text>
      )}
      {list.length > 0 && (
        <Table highlightOnHover aria-label="Installed models">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Model</Table.Th>
              <Table.Th>Id</Table.Th>
              <Table.Th>Version</Table.Th>
              <Table.Th>Task</Table.Th>
              <Table.Th>Classes</Table.Th>
              <Table.Th>Origin</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((m) => {
              const current = m.id === selected?.id;
              return (
                <Table.Tr key={m.id} bg={current ? 'var(--mantine-primary-color-light)' : undefined}>
                  <Table.Td>
                    <Anchor href={routeHref({ screen: 'models', modelId: m.id })} fw={600} aria-current={current ? 'true' : undefined}>
                      {m.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td><Text size="sm" ff="monospace">{m.id}</Text></Table.Td>
                  <Table.Td>{m.version}</Table.Td>
                  <Table.Td>{TASK_LABEL[m.task]}</Table.Td>
                  <Table.Td><Text size="sm">{m.classes.map(className).join(', ')}</Text></Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={m.origin === 'built-in' ? 'gray' : 'grape'}>{ORIGIN_LABEL[m.origin]}</Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {models && modelId !== undefined && !selected && (
        <Alert color="red" role="alert" title="No such model">
          No installed model has the id <Code>{modelId}</Code>. <Anchor href={routeHref({ screen: 'models' })}>See all models</Anchor>
        </Alert>
      )}
      {selected && <ModelDetail key={selected.id} model={selected} />}
    </Stack>
  );
}
