import { Center, Image, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { Asset } from '../../../../shared/contract/index.ts';
import type { ImageHandle } from '../../api/client.ts';
import { useApi } from '../../store/context.tsx';

type State = { s: 'waiting' } | { s: 'loading' } | { s: 'ready'; url: string } | { s: 'failed'; message: string };

const DOCUMENT_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/rtf': 'RTF',
  'text/plain': 'TXT',
};
const label = (mime: string) => DOCUMENT_LABELS[mime] ?? mime.split('/').pop()?.toUpperCase() ?? mime;

/**
 * A thumbnail made by the core, fetched only once the card scrolls into view,
 * so a job with thousands of photos opens at once.
 */
export function Thumbnail({ asset, size = 256 }: { asset: Asset; size?: 128 | 256 | 512 }) {
  const api = useApi();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<State>({ s: 'waiting' });

  useEffect(() => {
    if (asset.kind !== 'image' || state.s !== 'waiting' || !box.current) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        setState({ s: 'loading' });
      }
    }, { rootMargin: '200px' });
    observer.observe(box.current);
    return () => observer.disconnect();
  }, [asset.kind, state.s]);

  // Fetched once the card was seen; the URL stays valid while it is shown and
  // is let go only on unmount or when the card shows another asset (the
  // effect does not depend on the state, so loading → ready releases nothing).
  const wanted = state.s !== 'waiting';
  const handle = useRef<ImageHandle | null>(null);
  useEffect(() => {
    if (!wanted || asset.kind !== 'image') return;
    let live = true;
    api.loadImage('asset.thumbnail', { assetId: asset.id, size }).then(
      (h) => {
        if (!live) return h.release();
        handle.current = h;
        setState({ s: 'ready', url: h.url });
      },
      (e: unknown) => live && setState({ s: 'failed', message: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
      handle.current?.release();
      handle.current = null;
    };
  }, [api, asset.id, asset.kind, size, wanted]);

  return (
    <div ref={box} style={{ height: 160, display: 'flex' }}>
      {asset.kind === 'document' ? (
        <Center w="100%" bg="var(--mantine-color-default-hover)">
          <Text fw={700} c="dimmed" aria-hidden>{label(asset.mime)}</Text>
        </Center>
      ) : state.s === 'ready' ? (
        <Image src={state.url} alt="" h={160} w="100%" fit="contain" bg="black" />
      ) : state.s === 'failed' ? (
        <Center w="100%" p="xs" bg="var(--mantine-color-default-hover)">
          <Stack gap={2} align="center">
            <Text size="sm" fw={600}>No preview</Text>
            <Text size="xs" c="dimmed" ta="center" lineClamp={3}>{state.message}</Text>
          </Stack>
        </Center>
      ) : (
        <Center w="100%"><Loader size="sm" aria-label="Loading preview" /></Center>
      )}
    </div>
  );
}
