/**
 * RTF tokens (RTF 1.9.1 §"RTF syntax"): group open/close, control words with
 * their optional signed numeric parameter, control symbols, `\'hh` bytes,
 * `\binN` data and plain text. The input is the file's bytes as Latin-1 (one
 * char per byte): RTF is 7-bit, and 8-bit bytes are code-page bytes that the
 * reader decodes.
 */
export type RtfToken =
  | { type: 'open' }
  | { type: 'close' }
  | { type: 'word'; name: string; param: number | null }
  | { type: 'symbol'; char: string }
  | { type: 'byte'; value: number }
  | { type: 'text'; text: string };

const isLetter = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const HEX = /^[0-9a-fA-F]{2}$/;

export function* rtfTokens(src: string): Generator<RtfToken> {
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 0x7b) { i++; yield { type: 'open' }; continue; }
    if (c === 0x7d) { i++; yield { type: 'close' }; continue; }
    if (c === 0x0d || c === 0x0a) { i++; continue; } // line ends in the file are not text
    if (c !== 0x5c) {
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === 0x5c || d === 0x7b || d === 0x7d || d === 0x0d || d === 0x0a) break;
        j++;
      }
      yield { type: 'text', text: src.slice(i, j) };
      i = j;
      continue;
    }
    // A backslash: control word, control symbol or \'hh.
    const next = src.charCodeAt(i + 1);
    if (Number.isNaN(next)) break;
    if (isLetter(next)) {
      let j = i + 1;
      while (j < n && j - i <= 32 && isLetter(src.charCodeAt(j))) j++;
      const name = src.slice(i + 1, j);
      let param: number | null = null;
      let k = j;
      if (src[k] === '-' && isDigit(src.charCodeAt(k + 1))) k++;
      while (k < n && k - j <= 10 && isDigit(src.charCodeAt(k))) k++;
      if (k > j && src[k - 1] !== '-') param = Number.parseInt(src.slice(j, k), 10);
      else k = j;
      if (src[k] === ' ') k++; // the delimiting space belongs to the control word
      i = k;
      if (name === 'bin' && param !== null && param > 0) {
        i = Math.min(n, i + param); // binary data: skipped, never read as text
        continue;
      }
      yield { type: 'word', name, param };
      continue;
    }
    if (next === 0x27) {
      const hex = src.slice(i + 2, i + 4);
      i += HEX.test(hex) ? 4 : 2;
      if (HEX.test(hex)) yield { type: 'byte', value: Number.parseInt(hex, 16) };
      continue;
    }
    if (next === 0x0d || next === 0x0a) { i += 2; yield { type: 'word', name: 'par', param: null }; continue; }
    i += 2;
    yield { type: 'symbol', char: String.fromCharCode(next) };
  }
}
