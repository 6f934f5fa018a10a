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
    [['1', '…', '9'], "Change the class to the model's 1st … 9th class"],
    [['Ctrl', 'Z'], 'Undo the last step of this session (a bulk decision is one step)'], [['Ctrl', 'Shift', 'Z'], 'Redo what was undone'], [['Ctrl', 'Y'], 'Redo (as Ctrl+Shift+Z)'],
  ]],
  ['Editing and drawing findings', [
    [['E'], 'Edit the selected finding: drag its handles, body or vertices'], [['←', '→', '↑', '↓'], 'Move the edited box 1 px (with Shift: 10 px)'],
    [['Alt', '←', '→', '↑', '↓'], 'Resize the edited box from its right and bottom edges'], [['Enter'], 'Save the edit'], [['Esc'], 'Cancel the edit, then leave the tool'],
    [['B'], 'Draw a missing finding: a box'], [['G'], 'Draw a missing finding: an outline (click each corner)'],
    [['Enter'], 'Close the outline (or double-click, or click its first corner)'], [['Backspace'], 'Remove the last corner'],
    [['1', '…', '9'], 'Class of the finding just drawn'],
  ]],
  ['Imaging tools', [
    [['W'], 'Window/level: drag across for width, up and down for level (the right mouse button does it in any tool)'], [['I'], 'Invert'],
    [['L'], 'Line profile: drag a line from A to B'], [['M'], 'Measure a length'],
    [['Enter'], 'Draw a line across the view (measure, profile)'], [['←', '→', '↑', '↓'], 'Move the line\'s end B 1 px (Shift: 10 px; Alt: its start A)'],
    [['Delete'], 'Clear the line'], [['Esc'], 'Leave the tool'],
  ]],
  ['Reviewing a document against a checklist', [
    [['J', 'K'], 'Next / previous item'], [['A'], 'Accept the proposal (then the next item)'], [['R'], 'Reject the feedback: then 1–4 for a reason, 5 for your own'],
    [['1', '2', '3', '4'], 'Set the status: met, partial, not met, not applicable'], [['E'], 'Edit the feedback'], [['N'], 'Note on the item'],
    [['Enter', 'O'], "Show the item's evidence in the document (again: the next one)"], [['Z'], "Undo the item's last decision"],
    [['F'], 'Add feedback on the text selected in the document'], [['+', '−', '0'], 'Zoom the pages in / out / fit width'], [['Esc'], 'Back to the job'],
  ]],
  ['Findings list', [[['↑', '↓'], 'Move the focus between findings'], [['Enter'], 'Select the finding and bring it into view']]],
  ['All findings of a job', [
    [['↑', '↓', 'PgUp', 'PgDn'], 'Move between findings'], [['Home', 'End'], 'First / last finding'], [['Enter'], 'Open its image, on the finding'],
    [['A'], 'Accept (then the next one)'], [['R'], 'Reject, with a reason'], [['Space'], 'Tick for a bulk decision'], [['Esc'], 'Back to the job'],
  ]],
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
