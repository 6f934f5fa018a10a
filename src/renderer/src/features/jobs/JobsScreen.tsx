import { Alert, Anchor, Button, Group, Loader, Modal, Table, Text, Title } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { useEffect } from 'react';
import { useAppStore } from '../../store/context.tsx';
import { routeHref } from '../../store/route.ts';
import { JobForm } from './JobForm.tsx';

/** The start screen: every inspection job, newest first, and a way to make one. */
export function JobsScreen() {
  const jobs = useAppStore((s) => s.jobs);
  const error = useAppStore((s) => s.jobsError);
  const loadJobs = useAppStore((s) => s.loadJobs);
  const createJob = useAppStore((s) => s.createJob);
  const [creating, { open, close }] = useDisclosure(false);
  useHotkeys([['n', open]]);

  useEffect(() => {
    void loadJobs();
  }, [loadJobs]);

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={2}>Inspection jobs</Title>
        <Button onClick={open} aria-keyshortcuts="N">New job</Button>
      </Group>
      {error && <Alert color="red" role="alert" title="Jobs could not be loaded">{error}</Alert>}
      {jobs === null && !error && <Loader aria-label="Loading jobs" />}
      {jobs?.length === 0 && <Text c="dimmed">No jobs yet. Create one to import photos, radiographs and reports.</Text>}
      {jobs && jobs.length > 0 && (
        <Table highlightOnHover striped aria-label="Inspection jobs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Job</Table.Th>
              <Table.Th>Client</Table.Th>
              <Table.Th>Site</Table.Th>
              <Table.Th>Component</Table.Th>
              <Table.Th>Inspector</Table.Th>
              <Table.Th ta="right">Files</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.map((j) => (
              <Table.Tr key={j.id}>
                <Table.Td><Anchor href={routeHref({ screen: 'job', jobId: j.id })} fw={600}>{j.name}</Anchor></Table.Td>
                <Table.Td>{j.client}</Table.Td>
                <Table.Td>{j.site}</Table.Td>
                <Table.Td>{j.component}</Table.Td>
                <Table.Td>{j.inspector}</Table.Td>
                <Table.Td ta="right">{j.assetCount}</Table.Td>
                <Table.Td>{new Date(j.createdAt).toLocaleDateString()}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={creating} onClose={close} title="New inspection job" size="lg">
        <JobForm
          previous={jobs?.[0]}
          onCancel={close}
          onSubmit={async (fields) => {
            const job = await createJob(fields);
            close();
            window.location.hash = routeHref({ screen: 'job', jobId: job.id });
          }}
        />
      </Modal>
    </>
  );
}
