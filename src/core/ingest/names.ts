/**
 * The name shown for an imported file: its last path segment only. Both `/`
 * and `\` count as separators (a Linux file may be called `..\..\evil.jpg`),
 * control characters are dropped, and the result is only ever a label: stored
 * files are named by content hash, so no name can steer where bytes land.
 */
export function displayName(source: string): string {
  const last = source.split(/[\\/]/).filter((s) => s !== '').pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'unnamed' : clean;
}
