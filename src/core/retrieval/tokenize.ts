/**
 * Tokens for lexical retrieval (BM25) and for the evaluator's word checks.
 * English inspection text: lower-cased words and numbers, common function
 * words dropped, and a light suffix stemmer so that "readings" finds
 * "reading" and "inspected" finds "inspection" without a dictionary.
 */

const STOPWORDS = new Set(
  `a an the and or nor but if then else of to in on at by for from with without into onto over under as is are was were be been being
  it its this that these those there their they them he she his her we our you your i me my not no yes do does did done has have had
  can could shall should will would may might must e.g eg i.e ie etc per via than such any each every all some other also only which
  who whom whose what when where while how so very more most less least own same both either neither`.split(/\s+/),
);

/** "No." / "#" after these words means "number" (Report No., Serial #), not the word no. */
const NUMBERED = new Set(['report', 'serial', 'job', 'order', 'po', 'tag', 'certificate', 'cert', 'license', 'licence', 'drawing', 'dwg', 'part', 'item', 'inspection', 'equipment', 'project', 'weld', 'joint', 'heat', 'nb', 'board', 'sc', 'wps', 'pqr', 'ref', 'reference', 'unit', 'sample', 'carton', 'lot', 'contract', 'file', 'case', 'permit', 'api', 'asnt', 'trec']);

/** British and American spellings and common abbreviations meet ("licence" finds "License #", "Lvl." is "Level"). */
const SPELLING: Record<string, string> = { lvl: 'level', licence: 'license', licences: 'licenses', colour: 'color', metre: 'meter', metres: 'meters', centre: 'center', analyse: 'analyze', analysed: 'analyzed', authorised: 'authorized', organisation: 'organization', programme: 'program' };

/** Strips common English suffixes; deliberately small and predictable (tested in tests/integration/checklist.test.ts). */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  // Agent nouns (-er, -or) are kept: "inspector" is a person, "inspection" an event.
  for (const suffix of ['ations', 'ation', 'ions', 'ion', 'ings', 'ing', 'ed', 'ment', 'ly']) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 4) {
      w = w.slice(0, -suffix.length);
      break;
    }
  }
  // Doubled final consonant left by -ing/-ed: "submitt" → "submit".
  if (/([bdfgmnprt])\1$/.test(w)) w = w.slice(0, -1);
  // A trailing silent e: "examine" → "examin", "measure" → "measur".
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  // "calibrat(e|ed)" and "calibration" meet at "calibr".
  if (w.endsWith('at') && w.length > 6) w = w.slice(0, -2);
  return w;
}

const WORD = /[\p{L}\p{N}]+(?:[.'’\-/][\p{L}\p{N}]+)*/gu;

/** Words as written (case kept), numbers with their inner dots and dashes ("0.375", "54-11-001"). */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Retrieval tokens: lower-cased, stemmed, stopwords dropped, "No." after an identifier noun read as "number". */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let previous = '';
  const re = new RegExp(WORD.source, 'gu');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let w = m[0].toLowerCase().replace(/’/g, "'").replace(/'s$/, '');
    const after = text[m.index + m[0].length];
    if ((w === 'no' || w === 'nr') && (after === '.' || after === ':' || NUMBERED.has(previous))) w = 'number';
    if (w === 'num') w = 'number';
    w = SPELLING[w] ?? w;
    previous = w;
    if (STOPWORDS.has(w) || w.length === 0) continue;
    // "Name/Level", "accept/reject": two words; "N/A" and "06/20/2017" stay whole.
    if (/^[a-z]{2,}(?:\/[a-z]{2,})+$/.test(w)) {
      for (const part of w.split('/')) if (!STOPWORDS.has(part)) out.push(stem(part));
      continue;
    }
    // Split compound identifiers' letters from digits only for words ("api510" → "api", "510").
    const split = /^([a-z]+)(\d+)$/.exec(w);
    if (split && split[1]!.length >= 2) {
      out.push(split[1]!, split[2]!);
      continue;
    }
    out.push(stem(w));
  }
  // "#" as in "Serial #" / "Report #".
  if (text.includes('#')) for (let i = 0; i < (text.match(/[A-Za-z]\s*#/g)?.length ?? 0); i++) out.push('number');
  return out;
}
