import { Anchor, Badge, Table, Text } from '@mantine/core';
import type { DocumentReview } from '../../../../shared/contract/index.ts';
import { routeHref } from '../../store/route.ts';
import { MiniCompliance } from './ComplianceSummary.tsx';

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** The job's document reviews, newest first: each opens the review screen; a failed one says why. */
export function DocumentReviewsTable({ jobId, reviews }: { jobId: string; reviews: DocumentReview[] }) {
  return (
    <Table aria-label="Document reviews" verticalSpacing={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Document</Table.Th><Table.Th>Framework</Table.Th><Table.Th>Compliance</Table.Th><Table.Th ta="right">Decided</Table.Th><Table.Th>Reviewed</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {reviews.map((r) => (
          <Table.Tr key={r.id} data-review-id={r.id}>
            <Table.Td>
              {r.status === 'done'
                ? <Anchor size="sm" href={routeHref({ screen: 'document-review', jobId, reviewId: r.id })} aria-label={`Open the review of ${r.documentName} against ${r.framework.title}`}>{r.documentName}</Anchor>
                : <Text size="sm">{r.documentName}</Text>}
            </Table.Td>
            <Table.Td><Text size="sm">{r.framework.title} <Text span size="xs" c="dimmed">{r.framework.version}</Text></Text></Table.Td>
            <Table.Td>
              {r.status === 'done' ? <MiniCompliance summary={r.summary} /> : (
                <>
                  <Badge color="red" variant="light">failed</Badge>
                  <Text size="xs" c="red">{r.errorCode ? `${r.errorCode}: ` : ''}{r.message}</Text>
                </>
              )}
            </Table.Td>
            <Table.Td ta="right">{r.status === 'done' ? `${r.decided} / ${r.total}` : '–'}</Table.Td>
            <Table.Td><Text size="xs" c="dimmed">{when(r.createdAt)}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
