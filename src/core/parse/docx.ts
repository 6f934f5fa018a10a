import { Parser } from 'htmlparser2';
import mammoth from 'mammoth';
import { ChittiError } from '../app/errors.ts';
import type { ParseContext } from './context.ts';
import { htmlToBlocks } from './html-blocks.ts';
import { checkFlowSize, flowDocument } from './text.ts';
import type { ParsedDocument } from './types.ts';
import type { GuardedZip } from './zip-guard.ts';

/**
 * DOCX → flow blocks through mammoth (Word's own styles say what is a heading,
 * a list, a table) and htmlparser2 over mammoth's HTML (html-blocks.ts).
 *
 * mammoth never sees the archive: it reads its parts through the guarded ZIP
 * (zip-guard.ts), so every byte it inflates is counted against the limits, and
 * images are never inflated at all (they are not text).
 */

const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
  "br[type='page'] => hr",
];

/** mammoth's reader interface for an opened package (lib/unzip.js accepts `{ file }`). */
function mammothFile(zip: GuardedZip) {
  return {
    exists: (name: string) => zip.has(name),
    read: async (name: string, encoding?: string) => {
      const bytes = await zip.read(name);
      if (encoding === 'base64') return Buffer.from(bytes).toString('base64');
      return encoding ? new TextDecoder(encoding).decode(bytes) : bytes;
    },
  };
}

/** Title, author and creation date from docProps/core.xml, when the package has one. */
async function coreProperties(zip: GuardedZip): Promise<ParsedDocument['metadata']> {
  const metadata: ParsedDocument['metadata'] = {};
  if (!zip.has('docProps/core.xml')) return metadata;
  const xml = new TextDecoder().decode(await zip.read('docProps/core.xml'));
  let current: string | null = null;
  const values: Record<string, string> = {};
  const parser = new Parser({
    onopentag: (name) => { current = name; },
    ontext: (text) => { if (current) values[current] = (values[current] ?? '') + text; },
    onclosetag: () => { current = null; },
  }, { xmlMode: true, decodeEntities: true });
  parser.write(xml);
  parser.end();
  const title = values['dc:title']?.trim();
  const author = values['dc:creator']?.trim();
  const created = values['dcterms:created']?.trim();
  if (title) metadata.title = title;
  if (author) metadata.author = author;
  if (created && !Number.isNaN(Date.parse(created))) metadata.created = new Date(created).toISOString();
  return metadata;
}

export async function parseDocx(zip: GuardedZip, ctx: ParseContext): Promise<ParsedDocument> {
  if (!zip.has('word/document.xml') && !zip.has('_rels/.rels')) {
    throw new ChittiError('DOCUMENT_UNREADABLE', 'This Word document (DOCX) cannot be read: it has no word/document.xml part.');
  }
  let html: string;
  try {
    const input = { file: mammothFile(zip) } as unknown as Parameters<typeof mammoth.convertToHtml>[0];
    const result = await mammoth.convertToHtml(input, {
      styleMap: STYLE_MAP,
      // Images are not text: never read, never inflated.
      convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      externalFileAccess: false,
    });
    html = result.value;
  } catch (e) {
    if (e instanceof ChittiError) throw e;
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
    throw new ChittiError('DOCUMENT_UNREADABLE', `This Word document (DOCX) cannot be read: ${why}.`, { cause: e });
  }
  ctx.signal?.throwIfAborted();
  checkFlowSize(html.length, ctx);
  const flow = htmlToBlocks(html);
  return flowDocument('docx', flow, { metadata: await coreProperties(zip) });
}
