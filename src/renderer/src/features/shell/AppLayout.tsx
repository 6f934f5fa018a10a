import { Anchor, AppShell, Group, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { routeHref } from '../../store/route.ts';
import { ThemeToggle } from './ThemeToggle.tsx';

export function AppLayout({ children }: { children: ReactNode }) {
  return (
    <AppShell header={{ height: 52 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Anchor href={routeHref({ screen: 'jobs' })} underline="never" c="inherit">
            <Title order={1} size="h3">Chitti</Title>
          </Anchor>
          <ThemeToggle />
        </Group>
      </AppShell.Header>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
