import { globRegExp } from '../../../runtime/options/glob.js';
import type { PriorityList } from '../../../runtime/options/types.js';

/** A compiled `priority` option: fnmatch patterns (no FNM_PATHNAME, as GlusterFS) to weights. */
export class Priorities {
  private readonly rules: { re: RegExp; priority: number }[];

  constructor(list: PriorityList | undefined) {
    this.rules = (list ?? []).map((r) => ({ re: globRegExp(r.pattern, 's'), priority: r.priority }));
  }

  /**
   * ioc_get_priority: without a list every file weighs 1; with one, the last matching pattern
   * decides and an unmatched file weighs 0 (which here means "never cached").
   */
  of(path: string | undefined): number {
    if (this.rules.length === 0 || path === undefined) return 1;
    let priority = 0;
    for (const r of this.rules) if (r.re.test(path)) priority = r.priority;
    return Math.max(0, priority);
  }
}
