/**
 * Greedy CTC decoding of PaddleOCR's recogniser output ([batch, T, classes]
 * softmax): best class per time step, repeats collapsed, blanks dropped.
 * Class 0 is the CTC blank, 1..K the dictionary's lines in order, and the
 * last class the space character (PaddleOCR's `use_space_char`).
 */

export interface DecodedChar {
  char: string;
  /** Time step where the character was read: its position along the crop. */
  step: number;
  prob: number;
}

export interface DecodedLine {
  chars: DecodedChar[];
  /** Mean probability of the kept characters (0 when none). */
  confidence: number;
}

/** Class labels from a PaddleOCR key file: blank, one per line, then space. */
export function ctcClasses(keyFile: string): string[] {
  const keys = keyFile.replace(/\r/g, '').split('\n');
  if (keys.at(-1) === '') keys.pop();
  return ['', ...keys, ' '];
}

export function ctcDecode(probs: Float32Array, item: number, steps: number, classes: string[]): DecodedLine {
  const k = classes.length;
  const chars: DecodedChar[] = [];
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const base = (item * steps + t) * k;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < k; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) chars.push({ char: classes[best]!, step: t, prob: bestP });
    previous = best;
  }
  const confidence = chars.length > 0 ? chars.reduce((s, c) => s + c.prob, 0) / chars.length : 0;
  return { chars, confidence };
}
