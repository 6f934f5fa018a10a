/**
 * Evidence hints are regular expressions written by whoever wrote the
 * framework file, and they run over the text of untrusted documents. A
 * pattern is therefore accepted only when it is short, compiles as a
 * JavaScript regex, cannot match empty text (it would match everything) and
 * has no nested unbounded quantifier such as `(a+)+` or `(\w*)*`, the shape
 * behind catastrophic backtracking. The evaluator also runs patterns over one
 * block's text at a time, capped in length, so even an unlucky pattern has
 * bounded input.
 */

/** Longer hints are refused: real hints are a few words. */
export const MAX_PATTERN_LENGTH = 200;

export type PatternCheck = { ok: true; regex: RegExp } | { ok: false; reason: string };

/** Compiles one hint, case-insensitively, or says why it is refused. */
export function compileHint(pattern: string): PatternCheck {
  if (pattern.length === 0) return { ok: false, reason: 'empty pattern' };
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'i');
  } catch (e) {
    return { ok: false, reason: `not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})` };
  }
  if (regex.test('')) return { ok: false, reason: 'matches empty text, so it would match every document' };
  if (hasNestedUnboundedQuantifier(pattern)) return { ok: false, reason: 'nested repetition such as (a+)+ can take exponential time; simplify the pattern' };
  return { ok: true, regex };
}

const UNBOUNDED = /^(?:[*+]|\{\d*,\})/;

/**
 * True when a group that contains an unbounded quantifier is itself repeated
 * without bound. A small scanner over the pattern: escapes and character
 * classes are skipped, groups are tracked on a stack.
 */
export function hasNestedUnboundedQuantifier(pattern: string): boolean {
  // Per open group: does its body contain an unbounded quantifier?
  const stack: boolean[] = [];
  let i = 0;
  const quantifierAt = (j: number) => UNBOUNDED.test(pattern.slice(j));
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      i += 2;
      if (quantifierAt(i) && stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    if (c === '[') {
      i = endOfClass(pattern, i);
      if (quantifierAt(i) && stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      i++;
      continue;
    }
    if (c === ')') {
      const innerUnbounded = stack.pop() ?? false;
      i++;
      const repeated = quantifierAt(i);
      if (innerUnbounded && repeated) return true;
      // The group as a whole counts as unbounded content of its parent.
      if ((innerUnbounded || repeated) && stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    i++;
    if (quantifierAt(i) && stack.length > 0) stack[stack.length - 1] = true;
  }
  return false;
}

/** Index just past the `]` closing the class that opens at `start`. */
function endOfClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
  return i + 1;
}
