import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useId, useRef, type KeyboardEvent, type MouseEvent, type Ref } from 'react';
import type { Finding } from '../../../../shared/contract/index.ts';
import { classColour, className, scoreLabel } from '../findings/colours.ts';
import { STATUS_LABEL } from '../review/review.ts';
import type { FindingPages } from './finding-pages.ts';
import { useRowsVersion, type ListSort } from './use-finding-pages.ts';
import './finding-list.css';

/** Every row's height in pixels (finding-list.css: --chitti-fl-row): fixed, so placing row 99,999 is arithmetic. */
export const ROW_HEIGHT = 34;
/** Rows rendered beyond each edge of the screen, so a slow scroll never shows an empty edge. */
const OVERSCAN = 8;
const COLUMNS = 7;

export interface FindingGridProps {
  /** The rows, read page by page; the grid renders again as they come. */
  pages: FindingPages;
  /** Rows in all (the query's `total`). */
  total: number;
  /** The query's first page is on its way (a new filter or order): the grid says so (`aria-busy`). */
  busy: boolean;
  /** When it changes (a new filter or order), the list goes back to its top. */
  scrollKey: string;
  sort: ListSort;
  onSort: (sort: ListSort) => void;
  /** The row the keys act on (index in the query's order). */
  active: number;
  onActiveChange: (index: number) => void;
  imageName: (assetId: string) => string;
  /** Class order of the model, for the class colours. */
  classes: readonly string[];
  /** Findings ticked for a bulk decision (Space, or their checkbox), by id. */
  checked: { has: (findingId: string) => boolean };
  onToggle: (finding: Finding) => void;
  /** Click or Enter: open the finding's image. */
  onOpen: (finding: Finding) => void;
  /** `a` and `r` on the active row. */
  onDecide: (finding: Finding, action: 'accept' | 'reject', index: number) => void;
  ref?: Ref<HTMLDivElement>;
}

const describe = (f: Finding, image: string) => `${image}: ${className(f.class)}, score ${scoreLabel(f.score)}, ${STATUS_LABEL[f.status]}`;

/**
 * The job's findings as an ARIA grid, virtual: only the rows on screen (and a
 * few either side) are in the DOM, whatever the total; `aria-rowcount` and
 * each row's `aria-rowindex` tell assistive technology where it is in all of
 * them. The grid itself holds the focus and names the active row with
 * `aria-activedescendant`; ↑ ↓ PgUp PgDn Home End move it, Enter opens it,
 * `a` accepts and `r` rejects it, Space ticks it. Rows not read yet show as
 * loading until their page comes.
 */
export function FindingGrid(props: FindingGridProps) {
  const { pages, total, busy, scrollKey, sort, onSort, active, onActiveChange, imageName, classes, checked, onToggle, onOpen, onDecide, ref } = props;
  const id = useId();
  useRowsVersion(pages);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? -1;
  const last = items.at(-1)?.index ?? -1;

  // The rows on screen decide which pages are read.
  useEffect(() => {
    if (first >= 0) pages.show(first, last);
  }, [pages, first, last]);

  // The active row stays on screen, whether a key moved it, a decision moved on, or the list
  // was opened again (back from the viewer) on the row it was left at.
  // Whether it is in view is arithmetic on what the virtualizer last saw: scrolling asks the
  // browser for a layout there and then, which the first rows of a new query can do without.
  useEffect(() => {
    if (active < 0 || active >= total) return;
    const top = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    const inView = active * ROW_HEIGHT >= top && (active + 1) * ROW_HEIGHT <= top + height;
    if (!inView) virtualizer.scrollToIndex(active, { align: 'auto' });
  }, [active, total, virtualizer]);

  const shownKey = useRef(scrollKey);
  useEffect(() => {
    if (shownKey.current === scrollKey) return;
    shownKey.current = scrollKey;
    if ((virtualizer.scrollOffset ?? 0) !== 0) virtualizer.scrollToOffset(0);
  }, [scrollKey, virtualizer]);

  const move = (index: number) => onActiveChange(Math.min(total - 1, Math.max(0, index)));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys on the column headers' buttons are theirs.
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey || total === 0) return;
    const screenful = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 0) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1, ArrowUp: active - 1, PageDown: active + screenful, PageUp: active - screenful, Home: 0, End: total - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      move(to);
      return;
    }
    const finding = pages.row(active);
    if (!finding) return;
    const act = { Enter: () => onOpen(finding), ' ': () => onToggle(finding), a: () => onDecide(finding, 'accept', active), r: () => onDecide(finding, 'reject', active) }[e.key];
    if (act) {
      e.preventDefault();
      act();
    }
  };

  // One handler for every row (rows are memoised and need no callbacks of their own).
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    const index = Number(row.dataset.index);
    const finding = pages.row(index);
    if (!finding) return;
    onActiveChange(index);
    if ((e.target as HTMLElement).closest('[data-tick]')) onToggle(finding);
    else onOpen(finding);
  };

  const activeShown = active >= first && active <= last && pages.row(active) !== undefined;
  const scoreSort = sort === 'score-desc' ? 'descending' : sort === 'score-asc' ? 'ascending' : undefined;
  return (
    <div
      ref={ref}
      className="chitti-fl"
      role="grid"
      aria-label="Findings of the job"
      aria-rowcount={total + 1}
      aria-busy={busy}
      aria-colcount={COLUMNS}
      aria-multiselectable
      aria-activedescendant={activeShown ? `${id}-row-${active}` : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className="chitti-fl-row chitti-fl-head">
          <div role="columnheader" aria-label="Ticked" />
          <div role="columnheader" aria-sort={sort === 'image' ? 'ascending' : undefined}>
            <button type="button" onClick={() => onSort('image')} title="Image by image, in the job's order">Image{sort === 'image' && <span className="chitti-fl-sort" aria-hidden>▼</span>}</button>
          </div>
          <div role="columnheader">Class</div>
          <div role="columnheader" aria-sort={scoreSort} className="chitti-fl-num">
            <button type="button" onClick={() => onSort(sort === 'score-desc' ? 'score-asc' : 'score-desc')} title="Highest or lowest score first">
              Score{scoreSort && <span className="chitti-fl-sort" aria-hidden>{scoreSort === 'descending' ? '▼' : '▲'}</span>}
            </button>
          </div>
          <div role="columnheader">Status</div>
          <div role="columnheader" className="chitti-fl-num">Size (px)</div>
          <div role="columnheader">Reviewer</div>
        </div>
      </div>
      <div ref={scroller} className="chitti-fl-body" role="rowgroup" onClick={onClick}>
        <div className="chitti-fl-rows" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const finding = pages.row(v.index);
            return (
              <Row
                key={v.index}
                id={`${id}-row-${v.index}`}
                index={v.index}
                start={v.start}
                finding={finding}
                active={v.index === active}
                checked={finding ? checked.has(finding.id) : false}
                image={finding ? imageName(finding.assetId) : ''}
                colour={finding ? classColour(finding.class, classes) : ''}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  id: string;
  index: number;
  start: number;
  finding: Finding | undefined;
  active: boolean;
  checked: boolean;
  image: string;
  colour: string;
}

/** One row; rendered again only when what it shows changes (not on every scroll frame). */
const Row = memo(function Row({ id, index, start, finding: f, active, checked, image, colour }: RowProps) {
  const style = { transform: `translateY(${start}px)` };
  if (!f) {
    return (
      <div id={id} role="row" aria-rowindex={index + 2} aria-busy="true" data-index={index} className="chitti-fl-row" style={style}>
        <div role="gridcell" className="chitti-fl-loading">Loading…</div>
      </div>
    );
  }
  const [x1, y1, x2, y2] = f.box;
  return (
    <div
      id={id}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={checked}
      aria-label={describe(f, image)}
      data-index={index}
      data-finding-id={f.id}
      data-status={f.status}
      data-active={active || undefined}
      className="chitti-fl-row"
      style={style}
    >
      {/* Ticked is the row's aria-selected (a multi-select grid); the box only shows it and takes clicks.
          A drawn box, not an <input>: thirty form controls created and dropped per screenful scrolled cost frames. */}
      <div role="gridcell" className="chitti-fl-check" data-tick title="Tick for a bulk decision (Space)">
        <span className="chitti-fl-box" data-checked={checked || undefined} aria-hidden />
      </div>
      <div role="gridcell" title={image}>{image}</div>
      <div role="gridcell" className="chitti-fl-class"><span className="chitti-fl-swatch" style={{ background: colour }} aria-hidden />{className(f.class)}</div>
      <div role="gridcell" className="chitti-fl-num">{scoreLabel(f.score)}</div>
      <div role="gridcell"><span className="chitti-fl-status" data-status={f.status}>{STATUS_LABEL[f.status]}</span></div>
      <div role="gridcell" className="chitti-fl-num">{Math.round(x2 - x1)}×{Math.round(y2 - y1)}</div>
      <div role="gridcell">{f.decidedBy ?? '—'}</div>
    </div>
  );
});
