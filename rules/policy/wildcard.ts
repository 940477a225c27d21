/** The `*` / `?` wildcards of IAM policy text, matched without backtracking. */

/** IAM action names are case-insensitive; `*` and `?` are the only wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return pattern === '*' || wildcardMatches(pattern.toLowerCase(), action.toLowerCase());
}

/**
 * `*` (any run, across `:` and `/` too) and `?` (one character), matched in O(pattern × value)
 * steps: policy text is attacker-controlled, and a backtracking regular expression over `*a*a*a…`
 * takes exponential time.
 */
export function wildcardMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
