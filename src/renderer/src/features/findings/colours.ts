/**
 * Colours for defect classes, bright enough to stand out on grey steel, film
 * and concrete, each with dark text readable on it. A class keeps its colour
 * everywhere (viewer, lists, the Models screen): it is picked by the class's
 * place in its model's class list, or, for a class no model lists, by its name.
 */
export const CLASS_COLOURS = [
  '#ff5c5c', '#ffd600', '#00e5ff', '#69f0ae', '#ff6bff', '#5c9dff', '#ff9100', '#c6ff00', '#ff80ab', '#1de9b6',
] as const;

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

export function classColour(cls: string, classes: readonly string[] = []): string {
  const i = classes.indexOf(cls);
  return CLASS_COLOURS[(i >= 0 ? i : hash(cls)) % CLASS_COLOURS.length]!;
}

/** A score as people read it: 0.8734 → "0.87". */
export const scoreLabel = (score: number): string => score.toFixed(2);

/** A class name as people read it: "rolled-in_scale" → "rolled-in scale". */
export const className = (cls: string): string => cls.replace(/_/g, ' ');
