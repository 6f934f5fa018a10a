import { ActionIcon, Anchor, AppShell, Group, Title, Tooltip } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { routeHref } from '../../store/route.ts';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

export function AppLayout({ children }: { children: ReactNode }) {
  const [help, { toggle, close }] = useDisclosure(false);
  useHotkeys([['shift+/', toggle], ['?', toggle]]);
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Anchor href={routeHref({ screen: 'jobs' })} underline="never" c="inherit">
            <Title order={1} size="h3">Chitti</Title>
          </Anchor>
          <Group gap="xs">
            <Tooltip label="Keyboard shortcuts (?)">
              <ActionIcon variant="default" size="lg" aria-label="Keyboard shortcuts" onClick={toggle}>?</ActionIcon>
            </Tooltip>
            <ThemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main>{children}</AppShell.Main>
      <ShortcutsHelp opened={help} onClose={close} />
    </AppShell>
  );
}
