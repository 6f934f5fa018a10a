// @vitest-environment jsdom
import './setup.ts';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DocumentPreview } from '../../../src/renderer/src/features/documents/DocumentPreview.tsx';
import { DOC, documentModel, documentsApi, REVIEW } from './fake-documents.ts';
import { renderWithApp } from './render.tsx';

describe('a document opened from the job', () => {
  it('shows its pages, what was OCRed or unreadable, and links to its checklist reviews', async () => {
    const api = documentsApi();
    api.documentModels[DOC] = {
      ...documentModel(),
      pages: [{ page: 1, width: 612, height: 792, textSource: 'text-layer' }, { page: 2, width: 612, height: 792, textSource: 'ocr', ocrConfidence: 0.91 }],
      unreadablePages: [{ page: 3, reason: 'the page stream is damaged' }],
      pageCount: 3,
    };
    renderWithApp(<DocumentPreview asset={api.assets[0]!} />, api);
    expect(await screen.findByRole('region', { name: 'Page 1' })).toBeInTheDocument();
    expect(screen.getByText('3 pages')).toBeInTheDocument();
    expect(screen.getByText('text read by OCR on page 2')).toBeInTheDocument();
    expect(screen.getByText('unreadable: p. 3 (the page stream is damaged)')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: /^Review: / });
    expect(link.getAttribute('href')).toContain(`/reviews/${REVIEW}`);
  });

  it('says clearly when the document cannot be read', async () => {
    const api = documentsApi();
    renderWithApp(<DocumentPreview asset={api.assets[1]!} />, api);
    expect(await screen.findByRole('alert')).toHaveTextContent('This document cannot be shown');
  });
});
