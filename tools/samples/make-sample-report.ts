/**
 * Writes resources/samples/sample-ut-thickness-report.pdf: a fictional,
 * one-page ultrasonic thickness survey report for `chitti demo` and the
 * first run, in the shape of a real one (header fields, numbered sections,
 * a readings table, a signature block), with some items deliberately left
 * out so that a checklist review has findings. Run:
 *   node --import tsx tools/samples/make-sample-report.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import { fonts } from '../../src/core/report/pdf-layout.ts';

const OUT = fileURLToPath(new URL('../../resources/samples/sample-ut-thickness-report.pdf', import.meta.url));
// A fixed date, so the file is the same on every run.
const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: 'Ultrasonic thickness survey report UT-2026-0142', Author: 'Chitti samples', CreationDate: new Date('2026-03-18T09:00:00Z') } });
for (const [name, bytes] of Object.entries(fonts())) doc.registerFont(name, bytes);
const chunks: Buffer[] = [];
doc.on('data', (c: Buffer) => chunks.push(c));

const heading = (t: string) => doc.moveDown(0.8).font('bold').fontSize(12).text(t).moveDown(0.3).font('sans').fontSize(10);
const field = (k: string, v: string) => doc.font('bold').fontSize(10).text(`${k}: `, { continued: true }).font('sans').text(v);

doc.font('bold').fontSize(16).text('Ultrasonic Thickness Survey Report', { align: 'center' });
doc.font('sans').fontSize(10).text('Northwind Integrity Services Ltd. (fictional example)', { align: 'center' }).moveDown(1);
field('Report No.', 'UT-2026-0142');
field('Date of inspection', '17 March 2026');
field('Client', 'Harbour Chemicals plc');
field('Location', 'Site 3, tank farm, Eastport');
field('Equipment', 'Storage tank T-204 (shell courses 1-3), serial 88-1127');

heading('1.0 Scope');
doc.text('External ultrasonic thickness measurement of the shell of storage tank T-204 at 12 locations on courses 1 to 3, to establish the remaining wall thickness after 14 years in service.');
heading('2.0 Method');
doc.text('Contact pulse-echo thickness measurement with a dual-element probe, following procedure NIS-UT-07 rev. 3. Surfaces were wire-brushed to bare metal before each reading. Readings were taken in accordance with API 653.');
heading('3.0 Personnel');
field('Inspector', 'R. Okafor, ASNT UT Level II, cert. 44-2198');

heading('4.0 Results');
doc.text('Minimum of four readings per location; the lowest is reported. Nominal shell thickness 10.0 mm.').moveDown(0.5);
const rows = [
  ['Location', 'Course', 'Nominal (mm)', 'Measured min (mm)', 'Loss (%)'],
  ['TML-01', '1', '10.0', '9.6', '4'], ['TML-02', '1', '10.0', '9.4', '6'], ['TML-03', '1', '10.0', '8.1', '19'],
  ['TML-04', '1', '10.0', '9.7', '3'], ['TML-05', '2', '10.0', '9.8', '2'], ['TML-06', '2', '10.0', '9.5', '5'],
  ['TML-07', '2', '10.0', '9.9', '1'], ['TML-08', '2', '10.0', '9.2', '8'], ['TML-09', '3', '10.0', '9.9', '1'],
  ['TML-10', '3', '10.0', '9.8', '2'], ['TML-11', '3', '10.0', '9.6', '4'], ['TML-12', '3', '10.0', '9.7', '3'],
];
const widths = [90, 60, 100, 120, 80];
let y = doc.y;
for (const [r, row] of rows.entries()) {
  let x = 56;
  doc.font(r === 0 ? 'bold' : 'sans').fontSize(9.5);
  row.forEach((cell, i) => {
    doc.text(cell, x + 4, y + 3, { width: widths[i]! - 8, lineBreak: false });
    x += widths[i]!;
  });
  doc.moveTo(56, y + 16).lineTo(56 + widths.reduce((a, b) => a + b, 0), y + 16).lineWidth(0.5).strokeColor('#999999').stroke();
  y += 17;
}
doc.x = 56;
doc.y = y + 6;

heading('5.0 Findings');
doc.text('Localised wall loss of 19 % was found at TML-03 on course 1, near the sump nozzle, consistent with external corrosion under the insulation band. All other locations show uniform loss below 8 %.');
heading('6.0 Conclusions and recommendations');
doc.text('The shell remains serviceable. Recommend a close-interval grid at TML-03 (50 mm spacing) and repair of the insulation band within three months, with re-inspection of course 1 in 12 months.');

doc.moveDown(2).font('sans').fontSize(10).text('Signed: R. Okafor          Date: 18 March 2026');
doc.end();
doc.on('end', () => {
  writeFileSync(OUT, Buffer.concat(chunks));
  process.stdout.write(`wrote ${OUT}\n`);
});
