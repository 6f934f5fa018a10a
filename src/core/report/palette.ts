/**
 * Colours of defect classes in reports: the Okabe–Ito palette, chosen to stay
 * distinct for the common forms of colour blindness (black, its eighth
 * colour, is left out: it would vanish on dark film). Colour is never the
 * only cue: every drawn finding carries its reference and class as text.
 * A class keeps its colour across the report: it is picked by the class's
 * place in its model's class list, or, for a class no model lists, by name.
 */
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'] as const;

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function reportClassColour(cls: string, classes: readonly string[]): string {
  const i = classes.indexOf(cls);
  return OKABE_ITO[(i >= 0 ? i : hash(cls)) % OKABE_ITO.length]!;
}

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): '#000000' | '#FFFFFF' {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  // Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05): equal at l ≈ 0.179.
  return l > 0.179 ? '#000000' : '#FFFFFF';
}
