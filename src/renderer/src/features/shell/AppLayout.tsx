import { ActionIcon, Anchor, AppShell, Button, Group, Title, Tooltip } from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useAppStore } from '../../store/context.tsx';
import { routeHref, type Route } from '../../store/route.ts';
import { ShortcutsHelp } from './ShortcutsHelp.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';

/** The app's sections; a job and its viewer belong to Jobs. */
const SECTIONS: Array<{ label: string; href: string; current: (r: Route) => boolean }> = [
  { label: 'Jobs', href: routeHref({ screen: 'jobs' }), current: (r) => r.screen !== 'models' },
  { label: 'Models', href: routeHref({ screen: 'models' }), current: (r) => r.screen === 'models' },
];

export function AppLayout({ children }: { children: ReactNode }) {
  const [help, { toggle, close }] = useDisclosure(false);
  const route = useAppStore((s) => s.route);
  useHotkeys([['shift+/', toggle], ['?', toggle]]);
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="lg">
            <Anchor href={routeHref({ screen: 'jobs' })} underline="never" c="inherit">
              <Title order={1} size="h3">Chitti</Title>
            </Anchor>
            <Group component="nav" aria-label="Sections" gap={4}>
              {SECTIONS.map((section) => {
                const current = section.current(route);
                return (
                  <Button
                    key={section.label}
                    component="a"
                    href={section.href}
                    variant={current ? 'light' : 'subtle'}
                    color={current ? undefined : 'gray'}
                    size="compact-md"
                    aria-current={current ? 'page' : undefined}
                  >
                    {section.label}
                  </Button>
                );
              })}
            </Group>
          </Group>
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
