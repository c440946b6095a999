import type { Iatt, Timespec } from '../../../runtime/core/iatt.js';
import type { Inode } from '../../../runtime/core/inode.js';

/** GlusterFS's io-cache page: ctx->page_size, 128 KiB. Misses read whole aligned pages. */
export const PAGE_SIZE = 128 * 1024;

export const pageOf = (offset: number) => Math.floor(offset / PAGE_SIZE) * PAGE_SIZE;

export interface Page {
  readonly offset: number;
  /** The bytes once the fetch answered; shorter than PAGE_SIZE only at the end of the file. */
  data?: Buffer;
  /** The one fetch every reader of this page waits on while it is in flight. */
  pending?: Promise<Buffer>;
  /** Invalidated while in flight: its waiters are still served, then it is dropped. */
  stale: boolean;
}

/** What the cached pages were read at: GlusterFS compares mtime (sec+nsec); we add the size. */
export interface Version {
  mtime: Timespec;
  size: number;
}

export const versionOf = (b: Iatt): Version => ({ mtime: { ...b.mtime }, size: b.size });

export const sameVersion = (v: Version, b: Iatt) => v.mtime.sec === b.mtime.sec && v.mtime.nsec === b.mtime.nsec && v.size === b.size;

/** Some translators answer with a zeroed iatt: it says nothing about the file (ioc_fault_cbk). */
export const noAttributes = (b: Iatt) => b.mtime.sec === 0 && b.mtime.nsec === 0 && b.ctime.sec === 0;

/** Where the bytes of ready pages are counted (the table's cache_used). */
export interface Usage {
  used: number;
}

/**
 * ioc_inode_t: the page store of one inode. `pages` is kept in use order (least recently used
 * first) by re-inserting on every access, which is GlusterFS's per-inode page_lru.
 */
export class IocInode {
  readonly pages = new Map<number, Page>();
  /** Bytes in ready pages of this inode. */
  bytes = 0;
  /** mtime and size the cached pages belong to (undefined until a stat was seen). */
  version: Version | undefined;
  /** Size as last reported (lookup, readdirp, create, writes): min/max-file-size use it at open. */
  size = 0;
  /** When the pages were last checked against the file (ms, Date.now()). */
  lastRevalidate = 0;
  /** The one fstat in flight that readers of stale-by-timeout pages wait on. */
  revalidating: Promise<void> | undefined;
  /** The latest attributes a child returned; a cache hit answers readv with them. */
  stat: Iatt | undefined;

  constructor(
    readonly inode: Inode,
    readonly usage: Usage,
    public path: string,
    public weight: number,
  ) {}

  /** A page by aligned offset, marked most recently used. */
  get(offset: number): Page | undefined {
    const page = this.pages.get(offset);
    if (page) {
      this.pages.delete(offset);
      this.pages.set(offset, page);
    }
    return page;
  }

  create(offset: number): Page {
    const page: Page = { offset, stale: false };
    this.pages.set(offset, page);
    return page;
  }

  /** A fetch answered: keep the bytes unless the page was invalidated meanwhile. */
  fill(page: Page, data: Buffer): void {
    if (page.stale || this.pages.get(page.offset) !== page) return;
    page.data = data;
    this.account(data.length);
  }

  /** Forget one page (a failed fetch, pruning, a write that cannot patch it). */
  drop(page: Page): number {
    const n = page.data?.length ?? 0;
    page.stale = true;
    if (this.pages.get(page.offset) === page) this.pages.delete(page.offset);
    if (page.data) this.account(-n);
    page.data = undefined;
    return n;
  }

  /** __ioc_inode_flush: every page goes; pages in flight still serve their waiters. */
  flush(): number {
    let freed = 0;
    for (const page of [...this.pages.values()]) freed += this.drop(page);
    return freed;
  }

  /**
   * ioc_update_pages: copy written bytes into ready pages (copy-on-write, since readers may hold
   * views of the old buffer). Pages in flight are dropped, as is any page the write cannot keep
   * exact: one it would extend across a hole, and every short page (an end-of-file marker)
   * that now ends before the written range does.
   */
  patch(offset: number, data: Buffer): void {
    const end = offset + data.length;
    for (let pOff = pageOf(offset); pOff < end; pOff += PAGE_SIZE) {
      const page = this.pages.get(pOff);
      if (!page) continue;
      if (!page.data) {
        this.drop(page);
        continue;
      }
      const from = Math.max(offset, pOff) - pOff;
      const to = Math.min(end, pOff + PAGE_SIZE) - pOff;
      if (from > page.data.length) {
        this.drop(page);
        continue;
      }
      const next = Buffer.allocUnsafe(Math.max(page.data.length, to));
      page.data.copy(next, 0);
      data.copy(next, from, from + pOff - offset, to + pOff - offset);
      this.account(next.length - page.data.length);
      page.data = next;
    }
    // Fetches still in flight may carry bytes from before the write: none of them is kept.
    for (const page of [...this.pages.values()]) {
      if (!page.data || (page.data.length < PAGE_SIZE && page.offset + page.data.length < end)) this.drop(page);
    }
  }

  /**
   * Whether the ready pages agree with a file of `size` bytes: full pages inside it, a short page
   * ending exactly at it, empty pages past it. A write whose prebuf disagrees has found the file
   * changed (truncated, extended) behind the cache, and patching would keep stale bytes.
   */
  consistentWith(size: number): boolean {
    for (const p of this.pages.values()) {
      if (!p.data) continue;
      const end = p.offset + p.data.length;
      if (p.data.length === PAGE_SIZE ? end > size : p.data.length === 0 ? p.offset < size : end !== size) return false;
    }
    return true;
  }

  private account(delta: number): void {
    this.bytes += delta;
    this.usage.used += delta;
  }
}
