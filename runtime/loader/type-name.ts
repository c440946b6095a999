/**
 * A translator type (`category/name`) names a folder and a package, and may come from a volfile
 * fetched over the network. Nothing touches the filesystem before it passes this check: lowercase
 * letters, digits, `.`, `_`, `-`, exactly one slash, no leading dot or dash, no `..`.
 */
const TYPE_RE = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/;
/** npm's own limit; a longer type could never match a package. */
const MAX_TYPE_LENGTH = 200;

export function isValidXlatorType(type: unknown): type is string {
  return typeof type === 'string' && type.length <= MAX_TYPE_LENGTH && TYPE_RE.test(type) && !type.includes('..');
}

export const PACKAGE_PREFIX = 'gfs-xlator-';
/** The npm keyword plugin packages carry, so `npm search keywords:gfs-xlator` finds them. */
export const PACKAGE_KEYWORD = 'gfs-xlator';

/** `features/veto` -> `gfs-xlator-features-veto` (also looked up under every `@scope/`). */
export function packageNameFor(type: string): string {
  return PACKAGE_PREFIX + type.replace('/', '-');
}
