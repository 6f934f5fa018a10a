import { Text } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { Finding } from '../../../../shared/contract/index.ts';
import { useAppStore } from '../../store/context.tsx';
import { ClassPicker } from './ClassPicker.tsx';
import {
  closePolygon, moveShape, resizeShape, sameShape, shapeInput, shapeOf, type Box, type ImageSize, type Point, type Shape, type ViewMapping,
} from './edit-geometry.ts';
import { EditLayer } from './EditLayer.tsx';
import { isImagingTool, type Tool } from './ToolBar.tsx';

export interface FindingToolsInput {
  assetId: string;
  tool: Tool;
  setTool: (tool: Tool) => void;
  selected: Finding | null;
  /** The selected finding's colour, for its handles. */
  colour: string;
  /** The image's size; null until it is open. */
  size: ImageSize | null;
  /** The classes a drawn finding may have, in number-key order. */
  classes: readonly string[];
  /** False while another dialog has the keys (a reason to reject, a bulk decision). */
  enabled: boolean;
  /** A finding was added: the screen selects it. */
  onAdded: (finding: Finding) => void;
}

const ARROWS: Record<string, Point> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

/** Keys typed into a field, or pressed in a dialog other than the class picker, are not the tools'. */
function notForTools(e: KeyboardEvent): boolean {
  const t = e.target instanceof HTMLElement ? e.target : null;
  if (!t) return false;
  if (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) return true;
  const dialog = t.closest('[role="dialog"]');
  return dialog !== null && dialog.getAttribute('aria-label') !== 'Class of the new finding';
}

const px = (v: number) => String(Math.round(v * 100) / 100);
const describeBox = ([x1, y1, x2, y2]: Box) => `${px(x1)}, ${px(y1)} → ${px(x2)}, ${px(y2)} (${px(x2 - x1)}×${px(y2 - y1)} px)`;

/**
 * Editing and drawing findings in the viewer: the edit tool's draft shape
 * (dragged, or moved and resized by keys until Enter saves it), the outline
 * being drawn, the drawn shape waiting for its class, and the keys for all
 * of it. Keys are taken on the window's capture phase, before the viewer's
 * own shortcuts, and only while they mean something here (arrows move the
 * edited box rather than pan or step through findings).
 */
export function useFindingTools({ assetId, tool, setTool, selected, colour, size, classes, enabled, onAdded }: FindingToolsInput) {
  const decide = useAppStore((s) => s.decide);
  const addFinding = useAppStore((s) => s.addFinding);
  const [draft, setDraft] = useState<Shape | null>(null);
  const [corners, setCorners] = useState<Point[]>([]);
  const [pending, setPending] = useState<Shape | null>(null);
  const [busy, setBusy] = useState(false);

  // A draft belongs to one finding as it was: another selection, or a new version of it (decided meanwhile), drops it.
  useEffect(() => setDraft(null), [selected?.id, selected?.version]);
  useEffect(() => {
    setCorners([]);
    setPending(null);
  }, [tool, assetId]);

  const stored = selected ? shapeOf(selected) : null;
  const shape = draft ?? stored;

  const saveEdit = async (next: Shape) => {
    if (!selected || !stored || busy) return;
    if (sameShape(next, stored)) {
      setDraft(null);
      return;
    }
    setDraft(next);
    setBusy(true);
    try {
      await decide(selected, 'edit', shapeInput(next));
    } finally {
      setBusy(false);
      setDraft(null);
    }
  };

  const pick = async (cls: string) => {
    if (!pending || busy) return;
    setBusy(true);
    try {
      const added = await addFinding(assetId, { class: cls, box: pending.box, ...(pending.polygon ? { polygon: pending.polygon } : {}) });
      if (added) {
        setPending(null);
        setTool('pan');
        onAdded(added);
      }
    } finally {
      setBusy(false);
    }
  };

  const closeOutline = () => {
    if (!size) return;
    const closed = closePolygon(corners, size);
    if (closed) {
      setCorners([]);
      setPending(closed);
    }
  };

  // The latest of everything, for the one key listener.
  const live = { tool, selected, shape, draft, corners, pending, size, classes, enabled, busy };
  const ref = useRef(live);
  ref.current = live;
  const actions = useRef({ saveEdit, pick, closeOutline, setTool, setDraft, setCorners, setPending });
  actions.current = { saveEdit, pick, closeOutline, setTool, setDraft, setCorners, setPending };

  useEffect(() => {
    /** Handles the key when it means something to the tools; true when it did. */
    const handle = (e: KeyboardEvent): boolean => {
      const s = ref.current;
      const a = actions.current;
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
      if (s.pending) {
        if (e.key === 'Escape') {
          a.setPending(null);
          return true;
        }
        const n = plain && /^[1-9]$/.test(e.key) ? Number(e.key) - 1 : -1;
        if (n >= 0 && s.classes[n]) void a.pick(s.classes[n]);
        return n >= 0;
      }
      // The tools draw on an image: a document, or an image still opening, has none.
      if (plain && !e.shiftKey && s.size) {
        const toggle = (t: Tool) => a.setTool(s.tool === t ? 'pan' : t);
        if (e.key === 'e' && s.selected) return (toggle('edit'), true);
        if (e.key === 'b') return (toggle('draw-box'), true);
        if (e.key === 'g') return (toggle('draw-polygon'), true);
      }
      if (s.tool === 'edit') {
        const arrow = ARROWS[e.key];
        if (arrow && s.shape && s.size && !e.ctrlKey && !e.metaKey) {
          const step = e.shiftKey ? 10 : 1;
          const [dx, dy] = [arrow[0] * step, arrow[1] * step];
          a.setDraft(e.altKey ? resizeShape(s.shape, dx, dy, s.size) : moveShape(s.shape, dx, dy, s.size));
          return true;
        }
        if (e.key === 'Enter' && plain) {
          if (s.draft) void a.saveEdit(s.draft);
          return true;
        }
        if (e.key === 'Escape') {
          if (s.draft) a.setDraft(null);
          else a.setTool('pan');
          return true;
        }
        return false;
      }
      if (s.tool === 'draw-polygon') {
        if (e.key === 'Enter' && plain) return (a.closeOutline(), true);
        if (e.key === 'Backspace' && plain) return (a.setCorners(s.corners.slice(0, -1)), true);
        if (e.key === 'Escape') {
          if (s.corners.length > 0) a.setCorners([]);
          else a.setTool('pan');
          return true;
        }
        return false;
      }
      if (s.tool !== 'pan' && e.key === 'Escape') return (a.setTool('pan'), true);
      return false;
    };
    const onKey = (e: KeyboardEvent) => {
      if (!ref.current.enabled || notForTools(e)) return;
      if (handle(e)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const layer = (view: ViewMapping): ReactNode => (tool === 'pan' || isImagingTool(tool) || !size ? null : (
    <EditLayer
      view={view}
      size={size}
      tool={tool}
      editing={shape ? { shape, colour } : null}
      onEditDrag={setDraft}
      onEditRelease={(next) => void saveEdit(next)}
      points={corners}
      onPoints={setCorners}
      onClosePolygon={closeOutline}
      onBoxDrawn={(box) => setPending({ box, polygon: null })}
      pending={pending}
    />
  ));

  const picker = pending && (
    <ClassPicker classes={classes} busy={busy} onPick={(c) => void pick(c)} onCancel={() => setPending(null)} />
  );

  const HINTS: Record<Tool, string> = {
    pan: '',
    edit: selected
      ? 'Edit: drag a handle, a vertex or the body; arrows move 1 px (Shift: 10 px), Alt+arrows resize; Enter saves, Esc cancels.'
      : 'Edit: select a finding first (J / K).',
    'draw-box': 'New finding: drag a box over the defect. Esc cancels.',
    'draw-polygon': 'New finding: click each corner of the outline; double-click, Enter or the first corner closes it; Backspace removes a corner; Esc cancels.',
    // The imaging tools show their own hints (use-imaging).
    window: '',
    measure: '',
    profile: '',
  };
  const hint = pending
    ? `Choose the class of the new finding (1–${Math.min(9, classes.length) || '…'}), or Esc.`
    : HINTS[tool] + (tool === 'edit' && shape ? ` Box ${describeBox(shape.box)}${draft ? ' — not saved' : ''}.` : '');
  const status: ReactNode = hint && (
    <Text
      size="xs"
      role="status"
      aria-label="Tool"
      px={6}
      py={2}
      style={{ position: 'absolute', left: 8, bottom: 8, right: 180, zIndex: 5, background: 'rgba(0,0,0,0.7)', color: '#fff', borderRadius: 4 }}
    >
      {hint}
    </Text>
  );

  /** The selected finding is drawn by the layer while it is edited (with its handles), not also by the overlays. */
  const hidesSelected = tool === 'edit' && selected !== null;
  return { layer, picker, status, hidesSelected, busy };
}
