/**
 * Whether `.dockerignore` keeps a path out of the build context. Docker's rules: patterns are
 * relative to the context root, `*` and `?` stay within one path segment, `**` spans any number of
 * them, a pattern also excludes everything under a directory it matches, and the last matching
 * line decides (`!pattern` re-includes).
 */
export function isDockerIgnored(path: string, dockerignore: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const include = line.startsWith('!');
    const pattern = toRegExp(include ? line.slice(1).trim() : line);
    if (ancestorsAndSelf(path).some((candidate) => pattern.test(candidate))) ignored = !include;
  }
  return ignored;
}

function toRegExp(pattern: string): RegExp {
  const clean = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  let source = '';
  for (let index = 0; index < clean.length; index++) {
    const char = clean[index]!;
    if (char === '*' && clean[index + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` anything.
      source += clean[index + 2] === '/' ? '(?:.*/)?' : '.*';
      index += clean[index + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** `a/b/c` → `a`, `a/b`, `a/b/c`. */
function ancestorsAndSelf(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}
