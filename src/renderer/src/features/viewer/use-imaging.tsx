import { Alert, Button, CloseButton, Group, Loader, Paper, Stack, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Histogram, ImageInfo, PixelSpacing, Profile } from '../../../../shared/contract/index.ts';
import type { ApiClient } from '../../api/client.ts';
import { CalibrationDialog, type CalibrationRequest } from './CalibrationDialog.tsx';
import type { Point, ViewMapping } from './edit-geometry.ts';
import { ImagingControls } from './ImagingControls.tsx';
import {
  dragSensitivity, dragWindow, formatNumber, lineLength, sameWindow, snapWindow, SOURCE_LABELS, type ValueWindow,
} from './imaging.ts';
import { MeasureLayer, type Line, type LineKind } from './MeasureLayer.tsx';
import type { TileDisplay } from './osd-window.ts';
import { ProfileChart } from './ProfileChart.tsx';
import type { Tool } from './ToolBar.tsx';

export interface ImagingInput {
  api: ApiClient;
  assetId: string;
  jobId: string;
  /** The open image (null while loading, or for a document). */
  info: ImageInfo | null;
  tool: Tool;
  setTool: (tool: Tool) => void;
  /** False while another dialog has the keys. */
  enabled: boolean;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const HINTS: Partial<Record<Tool, string>> = {
  window: 'Window/level: drag across for width (contrast), up and down for level (brightness); the right button does it in any tool. I inverts, Esc goes back to pan.',
  measure: 'Measure: drag a line, or drag one of its ends; Enter draws one, arrows move its end (Alt: its start, Shift: 10 px), Delete clears. Esc: pan.',
  profile: 'Line profile: drag a line from A to B; Enter draws one, arrows move B (Alt: A, Shift: 10 px), Delete clears. Esc: pan.',
};

/** Keys typed into a field or pressed in a dialog are not the viewer's. */
function inField(e: KeyboardEvent): boolean {
  const t = e.target instanceof HTMLElement ? e.target : null;
  return t !== null && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.closest('[role="dialog"]') !== null);
}

/**
 * The imaging tools of the viewer: window/level and inversion (sent to the
 * core with each tile, ADR 0011), the measure and line-profile tools, and
 * the calibration that gives lengths in millimetres. View state of the open
 * image: a new image starts from its own defaults.
 */
export function useImaging({ api, assetId, jobId, info, tool, setTool, enabled }: ImagingInput) {
  const [histogram, setHistogram] = useState<Histogram | null>(null);
  const [histError, setHistError] = useState<string | null>(null);
  const [win, setWin] = useState<ValueWindow | null>(null);
  const [invert, setInvert] = useState<boolean | null>(null);
  const [measure, setMeasure] = useState<Line | null>(null);
  const [profileLine, setProfileLine] = useState<Line | null>(null);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [profileState, setProfileState] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const [cursor, setCursor] = useState<number | null>(null);
  const [spacing, setSpacing] = useState<{ now: PixelSpacing | null; file: PixelSpacing | null } | null>(null);
  const [calibrating, setCalibrating] = useState(false);
  const [calibration, setCalibration] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [panelOpen, setPanelOpen] = useState(true);
  const profileRequest = useRef(0);
  const dragStart = useRef<ValueWindow | null>(null);

  const open = info !== null && info.assetId === assetId ? info : null;
  useEffect(() => {
    setHistogram(null);
    setHistError(null);
    setWin(null);
    setInvert(null);
    setMeasure(null);
    setProfileLine(null);
    setProfile(null);
    setProfileState({ loading: false, error: null });
    setCursor(null);
    setSpacing(null);
  }, [assetId]);
  useEffect(() => {
    if (!open) return;
    setSpacing({ now: open.pixelSpacing, file: open.filePixelSpacing });
    let live = true;
    api.invoke('assets.histogram', { assetId: open.assetId, bins: 128 }).then(
      (h) => live && setHistogram(h),
      (e: unknown) => live && setHistError(message(e)),
    );
    return () => {
      live = false;
    };
  }, [api, open]);

  const defaultWindow = histogram?.defaultWindow ?? open?.displayWindow ?? { low: 0, high: 255 };
  const defaultInvert = open?.defaultInvert ?? false;
  const shownWindow = win ?? defaultWindow;
  const shownInvert = invert ?? defaultInvert;
  const display = useMemo<TileDisplay | null>(
    () => (sameWindow(shownWindow, defaultWindow) && shownInvert === defaultInvert ? null : { ...shownWindow, invert: shownInvert }),
    [shownWindow, defaultWindow, shownInvert, defaultInvert],
  );

  const setWindow = useCallback((w: ValueWindow) => {
    if (!histogram) return;
    setWin(snapWindow(w, histogram.step, histogram.min));
  }, [histogram]);
  const auto = () => {
    setWin(null);
    setInvert(null);
  };

  // Window drag (W tool, right button): from the window at the start of the drag.
  const live = useRef({ shownWindow, histogram, setWindow });
  live.current = { shownWindow, histogram, setWindow };
  const onWindowDrag = useCallback((phase: 'start' | 'move' | 'end', dx: number, dy: number) => {
    const { shownWindow: now, histogram: h, setWindow: set } = live.current;
    if (!h) return;
    if (phase === 'start') dragStart.current = now;
    const start = dragStart.current ?? now;
    set(dragWindow(start, dx, dy, dragSensitivity(h.min, h.max), h.step));
    if (phase === 'end') dragStart.current = null;
  }, []);

  const loadProfile = useCallback((line: Line) => {
    const request = ++profileRequest.current;
    setProfileState({ loading: true, error: null });
    api.invoke('assets.profile', { assetId, from: line.from, to: line.to }).then(
      (p) => {
        if (request !== profileRequest.current) return;
        setProfile(p);
        setCursor(null);
        setProfileState({ loading: false, error: null });
      },
      (e: unknown) => request === profileRequest.current && setProfileState({ loading: false, error: message(e) }),
    );
  }, [api, assetId]);

  const onLine = useCallback((kind: LineKind, line: Line | null, done: boolean) => {
    if (kind === 'measure') {
      setMeasure(line);
      return;
    }
    setProfileLine(line);
    if (!line) {
      profileRequest.current++;
      setProfile(null);
      setProfileState({ loading: false, error: null });
    } else if (done) {
      loadProfile(line);
    }
  }, [loadProfile]);

  // W, M and L pick the imaging tools (again: back to pan); I inverts.
  const keys = useRef({ enabled, tool, setTool, shownInvert, histogram });
  keys.current = { enabled, tool, setTool, shownInvert, histogram };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = keys.current;
      if (!k.enabled || inField(e) || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
      const pick: Record<string, Tool> = { w: 'window', m: 'measure', l: 'profile' };
      const t = pick[e.key];
      if (t) k.setTool(k.tool === t ? 'pan' : t);
      else if (e.key === 'i' && k.histogram) setInvert(!k.shownInvert);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const measured = measure ? lineLength(measure.from, measure.to, spacing?.now ?? null) : null;
  const measureLabel = measured ? `${formatNumber(measured.px)} px${measured.mm !== null ? ` · ${formatNumber(measured.mm)} mm` : ''}` : null;
  const profileMark: Point | null = useMemo(() => {
    if (!profile || cursor === null || profile.length === 0) return null;
    const t = (profile.distances[cursor] ?? 0) / profile.length;
    return [profile.from[0] + (profile.to[0] - profile.from[0]) * t, profile.from[1] + (profile.to[1] - profile.from[1]) * t];
  }, [profile, cursor]);

  const layer = (view: ViewMapping): ReactNode => open && (
    <MeasureLayer
      view={view}
      size={{ width: open.width, height: open.height }}
      tool={tool}
      measure={measure}
      measureLabel={measureLabel}
      profile={profileLine}
      profileMark={profileMark}
      onLine={onLine}
      onWindowDrag={onWindowDrag}
      keysEnabled={enabled && !calibrating}
    />
  );

  const refreshSpacing = async () => {
    const now = await api.invoke('assets.imageInfo', { assetId });
    setSpacing({ now: now.pixelSpacing, file: now.filePixelSpacing });
  };
  const calibrate = async (change: { scope: 'image' | 'job'; mmPerPixel: number | null; reference?: CalibrationRequest['reference'] }) => {
    setCalibration({ busy: true, error: null });
    try {
      await api.invoke('pixelSpacing.set', {
        ...(change.scope === 'job' ? { jobId } : { assetId }),
        mmPerPixel: change.mmPerPixel,
        ...(change.reference ? { reference: change.reference } : {}),
      });
      await refreshSpacing();
      setCalibration({ busy: false, error: null });
      setCalibrating(false);
    } catch (e) {
      setCalibration({ busy: false, error: message(e) });
    }
  };

  const scale = spacing?.now ?? null;
  const panel: ReactNode = open && (
    <Paper
      withBorder
      shadow="sm"
      p={panelOpen ? 'xs' : 4}
      role="region"
      aria-label="Imaging"
      style={{ position: 'absolute', top: 8, right: 8, zIndex: 5, width: panelOpen ? 300 : 'auto', maxHeight: 'calc(100% - 16px)', overflowY: 'auto' }}
    >
      <Group justify="space-between" gap={4} wrap="nowrap">
        <UnstyledButton onClick={() => setPanelOpen(!panelOpen)} aria-expanded={panelOpen} aria-controls="imaging-panel-body">
          <Text size="xs" fw={600}>{panelOpen ? '▾' : '▸'} Imaging</Text>
        </UnstyledButton>
      </Group>
      {panelOpen && (
        <Stack gap="xs" mt={4} id="imaging-panel-body">
          {histogram ? (
            <ImagingControls histogram={histogram} window={shownWindow} invert={shownInvert} onWindow={setWindow} onInvert={setInvert} onAuto={auto} />
          ) : histError ? (
            <Alert color="red" p="xs" role="alert">{histError}</Alert>
          ) : (
            <Loader size="xs" aria-label="Loading the histogram" />
          )}
          <Stack gap={2} data-testid="measurement">
            <Text size="xs" data-testid="pixel-spacing">
              {scale
                ? `Scale: ${formatNumber(scale.x)}${scale.y !== scale.x ? ` × ${formatNumber(scale.y)}` : ''} mm/px, ${SOURCE_LABELS[scale.source]}`
                : 'Scale: none set, lengths in pixels'}
            </Text>
            {measured && (
              <Text size="sm" fw={600} data-testid="measure-readout">
                Length {formatNumber(measured.px)} px{measured.mm !== null ? ` = ${formatNumber(measured.mm)} mm` : ''}
              </Text>
            )}
            <Group gap={6}>
              <Tooltip label="Measure a length (M)"><Button size="compact-xs" variant={tool === 'measure' ? 'filled' : 'default'} onClick={() => setTool(tool === 'measure' ? 'pan' : 'measure')}>Measure</Button></Tooltip>
              <Button size="compact-xs" variant="default" onClick={() => { setCalibration({ busy: false, error: null }); setCalibrating(true); }}>Set scale…</Button>
              {measure && <Button size="compact-xs" variant="subtle" onClick={() => setMeasure(null)}>Clear</Button>}
            </Group>
          </Stack>
        </Stack>
      )}
    </Paper>
  );

  const chart: ReactNode = open && (profile || profileState.loading || profileState.error) && (
    <Paper withBorder shadow="sm" p="xs" role="region" aria-label="Line profile" style={{ position: 'absolute', left: 64, bottom: 40, zIndex: 5, maxWidth: 'calc(100% - 280px)' }}>
      {profileState.error ? (
        <Group gap={4} wrap="nowrap">
          <Alert color="red" p="xs" role="alert">{profileState.error}</Alert>
          <CloseButton aria-label="Clear the line profile" onClick={() => onLine('profile', null, true)} />
        </Group>
      ) : profile ? (
        <ProfileChart profile={profile} spacing={scale} cursor={cursor} onCursor={setCursor} onClose={() => onLine('profile', null, true)} />
      ) : (
        <Loader size="xs" aria-label="Reading the line profile" />
      )}
    </Paper>
  );

  const hint = HINTS[tool];
  const status: ReactNode = hint && (
    <Text size="xs" role="status" aria-label="Tool" px={6} py={2} style={{ position: 'absolute', left: 8, bottom: 8, right: 180, zIndex: 5, background: 'rgba(0,0,0,0.7)', color: '#fff', borderRadius: 4 }}>
      {hint}{tool === 'measure' && measureLabel ? ` ${measureLabel}.` : ''}
    </Text>
  );

  const dialog = (
    <CalibrationDialog
      opened={calibrating}
      onClose={() => setCalibrating(false)}
      spacing={scale}
      fileSpacing={spacing?.file ?? null}
      measuredPx={measured?.px ?? null}
      busy={calibration.busy}
      error={calibration.error}
      onSave={(r) => void calibrate(r)}
      onRemove={(scope) => void calibrate({ scope, mmPerPixel: null })}
    />
  );

  return { display, layer, panel, chart, status, dialog, dialogOpen: calibrating };
}
