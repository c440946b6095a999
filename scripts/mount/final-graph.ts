import { optionRecord, type VolfileGraph } from '../../runtime/graph/model.js';

const KEYWORDS = new Set(['volume', 'type', 'option', 'subvolumes', 'end-volume']);

/** Quote a word when the volfile grammar needs it (whitespace, quotes, backslashes, keywords, `#`). */
function word(s: string): string {
  if (s !== '' && !/[\s"\\`]/.test(s) && !s.startsWith('#') && !KEYWORDS.has(s)) return s;
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** The effective graph as volfile text: what the mount runs, overrides and inserted volumes included. */
export function volfileText(g: VolfileGraph): string {
  const out: string[] = [];
  for (const v of g.volumes) {
    out.push(`volume ${word(v.name)}`, `    type ${word(v.type)}`);
    for (const [k, val] of Object.entries(optionRecord(v))) out.push(`    option ${word(k)} ${word(val)}`);
    if (v.subvolumes.length) out.push(`    subvolumes ${v.subvolumes.map(word).join(' ')}`);
    out.push('end-volume', '');
  }
  return out.join('\n');
}

/** GlusterFS's "Final graph" log block: numbered volfile lines between rules. */
export function finalGraphBlock(g: VolfileGraph): string {
  const lines = volfileText(g).trimEnd().split('\n');
  const rule = '+' + '-'.repeat(78) + '+';
  const width = String(lines.length).length;
  return ['Final graph:', rule, ...lines.map((l, i) => `  ${String(i + 1).padStart(width)}: ${l}`), rule].join('\n');
}
