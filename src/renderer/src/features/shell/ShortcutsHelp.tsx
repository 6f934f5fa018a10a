import { Kbd, Modal, Table, Title } from '@mantine/core';

const SHORTCUTS: Array<[string, Array<[string[], string]>]> = [
  ['Everywhere', [[['?'], 'Show these shortcuts'], [['Tab'], 'Move between controls']]],
  ['Jobs', [[['N'], 'New job'], [['Enter'], 'Open the focused job']]],
  ['Files of a job', [[['←', '→', '↑', '↓'], 'Move between files'], [['Home', 'End'], 'First / last file'], [['Enter'], 'Open the file']]],
  ['Image viewer', [
    [['+', '−'], 'Zoom in / out'], [['0'], 'Fit to window'], [['1'], 'Actual pixels (1:1)'],
    [['←', '→', '↑', '↓'], 'Pan'], [['[', ']'], 'Previous / next image'], [['F'], 'Show / hide findings on the image'],
    [['Esc'], 'Back to the job'],
  ]],
  ['Findings list', [[['↑', '↓'], 'Move between findings'], [['Enter'], 'Bring the finding into view']]],
];

/** The list of keys (`?` anywhere): the app is meant to be used without the mouse. */
export function ShortcutsHelp({ opened, onClose: close }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={close} title="Keyboard shortcuts" size="lg">
      {SHORTCUTS.map(([section, keys]) => (
        <div key={section}>
          <Title order={4} mt="sm" mb={4}>{section}</Title>
          <Table>
            <Table.Tbody>
              {keys.map(([combo, what]) => (
                <Table.Tr key={what}>
                  <Table.Td w={180}>{combo.map((k) => <Kbd key={k} mr={4}>{k}</Kbd>)}</Table.Td>
                  <Table.Td>{what}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      ))}
    </Modal>
  );
}
