import { stripCheckboxes } from './text.ts';
import type { Block, Section } from './types.ts';

/**
 * The section tree: each heading opens a section that holds the blocks after
 * it, until a heading of the same or a higher level. Headers and footers
 * belong to no section.
 */
export function buildSections(blocks: Block[]): Section[] {
  const roots: Section[] = [];
  const stack: Section[] = [];
  let n = 0;
  for (const block of blocks) {
    if (block.kind === 'header' || block.kind === 'footer') {
      block.sectionId = null;
      continue;
    }
    if (block.kind === 'heading') {
      const level = block.level ?? 1;
      const section: Section = {
        id: `s${++n}`,
        title: headingTitle(block),
        ...(block.number !== undefined ? { number: block.number } : {}),
        level,
        page: block.page,
        ...(block.bbox ? { bbox: block.bbox } : {}),
        headingBlockId: block.id,
        children: [],
      };
      while (stack.length && stack.at(-1)!.level >= level) stack.pop();
      (stack.at(-1)?.children ?? roots).push(section);
      stack.push(section);
    }
    block.sectionId = stack.at(-1)?.id ?? null;
  }
  return roots;
}

/** The heading's text without its number and without a trailing colon. */
export function headingTitle(block: Pick<Block, 'text' | 'number'>): string {
  let t = stripCheckboxes(block.text).trim();
  if (block.number && t.startsWith(block.number)) t = t.slice(block.number.length).replace(/^\s*[-–—:.]?\s*/, '');
  return t.replace(/\s*:$/, '') || block.text.trim();
}

/** Every section of the tree, depth first. */
export function flattenSections(sections: readonly Section[]): Section[] {
  return sections.flatMap((s) => [s, ...flattenSections(s.children)]);
}
