import { Kbd, Modal, Table, Title } from '@mantine/core';

const SHORTCUTS: Array<[string, Array<[string[], string]>]> = [
  ['Everywhere', [[['?'], 'Show these shortcuts'], [['Tab'], 'Move between controls']]],
  ['Jobs', [[['N'], 'New job'], [['Enter'], 'Open the focused job']]],
  ['Files of a job', [[['←', '→', '↑', '↓'], 'Move between files'], [['Home', 'End'], 'First / last file'], [['Enter'], 'Open the file']]],
  ['Image viewer', [
    [['+', '−'], 'Zoom in / out'], [['0'], 'Fit to window'], [['1'], 'Actual pixels (1:1), when no finding is selected'],
    [['←', '→'], 'Pan'], [['↑', '↓'], 'Pan (images without findings)'], [['[', ']', 'P', 'N'], 'Previous / next image'],
    [['F'], 'Show / hide findings on the image'], [['Esc'], 'Back to the job'],
  ]],
  ['Reviewing findings', [
    [['J', '↓'], 'Next finding'], [['K', '↑'], 'Previous finding'], [['Z'], 'Zoom to the selected finding'],
    [['A'], 'Accept (then the next one)'], [['R'], 'Reject: then 1–4 for a reason, 5 for your own'],
    [['1', '…', '9'], "Change the class to the model's 1st … 9th class"], [['Ctrl', 'Z'], 'Undo the last decision of this session'],
  ]],
  ['Findings list', [[['↑', '↓'], 'Move the focus between findings'], [['Enter'], 'Select the finding and bring it into view']]],
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
