import { Alert, Container } from '@mantine/core';
import { useEffect } from 'react';
import { AppLayout } from './features/shell/AppLayout.tsx';
import { DocumentReviewScreen } from './features/documents/DocumentReviewScreen.tsx';
import { FindingListScreen } from './features/finding-list/FindingListScreen.tsx';
import { JobScreen } from './features/job/JobScreen.tsx';
import { JobsScreen } from './features/jobs/JobsScreen.tsx';
import { ModelsScreen } from './features/models/ModelsScreen.tsx';
import { ViewerScreen } from './features/viewer/ViewerScreen.tsx';
import { useAppStore } from './store/context.tsx';
import { parseRoute } from './store/route.ts';

/** Follows the address (`#/jobs/…`) so back, forward and reload keep the user's place. */
function useHashRoute() {
  const setRoute = useAppStore((s) => s.setRoute);
  useEffect(() => {
    const sync = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, [setRoute]);
}

export function App() {
  useHashRoute();
  const route = useAppStore((s) => s.route);
  return (
    <AppLayout>
      {route.screen === 'jobs' && <JobsScreen />}
      {route.screen === 'job' && <JobScreen key={route.jobId} jobId={route.jobId} />}
      {route.screen === 'findings' && <FindingListScreen key={route.jobId} jobId={route.jobId} />}
      {route.screen === 'viewer' && <ViewerScreen jobId={route.jobId} assetId={route.assetId} findingId={route.findingId} />}
      {route.screen === 'document-review' && <DocumentReviewScreen key={route.reviewId} jobId={route.jobId} reviewId={route.reviewId} />}
      {route.screen === 'models' && <ModelsScreen modelId={route.modelId} />}
    </AppLayout>
  );
}

/** Shown instead of the app when it cannot reach the core at all. */
export function StartError({ message }: { message: string }) {
  return (
    <Container size="sm" py="xl">
      <Alert color="red" title="Chitti cannot start" role="alert">{message}</Alert>
    </Container>
  );
}
