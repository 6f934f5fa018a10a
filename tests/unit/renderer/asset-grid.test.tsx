// @vitest-environment jsdom
import './setup.ts';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AssetGrid } from '../../../src/renderer/src/features/assets/AssetGrid.tsx';
import { makeAsset } from './fake-api.ts';
import { renderWithApp } from './render.tsx';

const JOB = 'job_00000000000000000001';
const assets = ['a.jpg', 'b.png', 'c.tif', 'report.pdf'].map((name, i) =>
  makeAsset({ id: `ast_0000000000000000000${i}`, originalName: name, kind: name.endsWith('.pdf') ? 'document' : 'image', mime: name.endsWith('.pdf') ? 'application/pdf' : 'image/jpeg' }),
);

describe('asset grid', () => {
  it('shows every file as a link to the viewer, named for screen readers', () => {
    renderWithApp(<AssetGrid jobId={JOB} assets={assets} />);
    const items = screen.getAllByRole('listitem');
    expect(items.map((i) => i.getAttribute('aria-label'))).toEqual([
      'a.jpg, image, 20 kB', 'b.png, image, 20 kB', 'c.tif, image, 20 kB', 'report.pdf, document, 20 kB',
    ]);
    expect(items[2]).toHaveAttribute('href', `#/jobs/${JOB}/assets/ast_00000000000000000002`);
    expect(screen.getByText('PDF')).toBeInTheDocument();
  });

  it('moves between cards with the arrow keys, Home and End', async () => {
    const user = userEvent.setup();
    renderWithApp(<AssetGrid jobId={JOB} assets={assets} />);
    const items = screen.getAllByRole('listitem');
    items[0]!.focus();
    await user.keyboard('{ArrowRight}');
    expect(items[1]).toHaveFocus();
    await user.keyboard('{End}');
    expect(items[3]).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(items[3]).toHaveFocus();
    await user.keyboard('{Home}');
    expect(items[0]).toHaveFocus();
    await user.keyboard('{ArrowLeft}');
    expect(items[0]).toHaveFocus();
  });
});
