import { ActionIcon, Kbd, Paper, Stack, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';

/**
 * What the pointer does over the image. `pan`: OpenSeadragon's own drag to
 * pan, scroll to zoom, click to pick. Every other tool takes the pointer
 * through the viewer's tool layer (EditLayer), with OpenSeadragon's mouse
 * navigation off while it is active.
 */
export type Tool = 'pan' | 'edit' | 'draw-box' | 'draw-polygon' | 'window' | 'measure' | 'profile';

/** The imaging tools (window/level drag, measure, line profile): their pointer input is MeasureLayer's, not EditLayer's. */
export const isImagingTool = (tool: Tool): boolean => tool === 'window' || tool === 'measure' || tool === 'profile';

/** Whether a tool takes the pointer away from OpenSeadragon's navigation. */
export const takesPointer = (tool: Tool): boolean => tool !== 'pan';

export interface ToolSpec {
  tool: Tool;
  label: string;
  /** The key that picks it (shown in its tooltip, and as aria-keyshortcuts). */
  key: string;
  icon: ReactNode;
  /** Needs a selected finding (the edit tool). */
  needsSelection?: boolean;
}

/** Four arrows: drawn, as no common font has a hand glyph. */
function PanIcon() {
  return (
    <svg viewBox="0 0 24 24" width={18} height={18} fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" style={{ display: 'block' }}>
      <path d="M12 3v18M3 12h18M9 6l3-3 3 3M9 18l3 3 3-3M6 9l-3 3 3 3M18 9l3 3-3 3" />
    </svg>
  );
}

/** The tools, in toolbar order. Add a tool here and handle its pointer input in EditLayer. */
export const TOOLS: readonly ToolSpec[] = [
  { tool: 'pan', label: 'Pan and zoom', key: 'Esc', icon: <PanIcon /> },
  { tool: 'edit', label: 'Edit the selected finding', key: 'E', icon: '✎', needsSelection: true },
  { tool: 'draw-box', label: 'Draw a missing finding: box', key: 'B', icon: '▭' },
  { tool: 'draw-polygon', label: 'Draw a missing finding: outline', key: 'G', icon: '⬠' },
  { tool: 'window', label: 'Window/level: drag across for width, up and down for level', key: 'W', icon: '◐' },
  { tool: 'measure', label: 'Measure a length', key: 'M', icon: '⟷' },
  { tool: 'profile', label: 'Line profile: values along a line', key: 'L', icon: '∿' },
];

/** The viewer's tools, one button each, over the image's top-left corner; `children` adds other controls below them. */
export function ToolBar({ tool, onTool, hasSelection, children }: { tool: Tool; onTool: (tool: Tool) => void; hasSelection: boolean; children?: ReactNode }) {
  return (
    <Paper
      withBorder
      shadow="sm"
      p={4}
      role="toolbar"
      aria-label="Tools"
      aria-orientation="vertical"
      style={{ position: 'absolute', top: 8, left: 8, zIndex: 5 }}
    >
      <Stack gap={4}>
        {TOOLS.map((t) => (
          <Tooltip key={t.tool} label={<>{t.label} <Kbd size="xs">{t.key}</Kbd></>} position="right">
            <ActionIcon
              variant={tool === t.tool ? 'filled' : 'default'}
              size="lg"
              aria-label={t.label}
              aria-pressed={tool === t.tool}
              aria-keyshortcuts={t.key === 'Esc' ? 'Escape' : t.key}
              disabled={t.needsSelection === true && !hasSelection}
              onClick={() => onTool(t.tool)}
            >
              <span aria-hidden="true" style={{ fontSize: 16 }}>{t.icon}</span>
            </ActionIcon>
          </Tooltip>
        ))}
        {children}
      </Stack>
    </Paper>
  );
}
