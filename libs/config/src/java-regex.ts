/**
 * MM2 filters (`topics`, `groups`, their `.exclude` lists, `config.properties.exclude`) are Java
 * regexes joined with `|` that must match the whole name. We evaluate them as JavaScript RegExps
 * (`^(?:a|b)$`, no flags), so a pattern is accepted only if it means the same thing in both.
 *
 * Not supported: possessive quantifiers (`a*+`), atomic groups (`(?>…)`), inline flags (`(?i)`),
 * `\p{…}`/`\P{…}` classes (POSIX `\p{Alpha}`, `\p{javaLowerCase}`, Unicode ones too), the escapes
 * `\A \Z \z \G \R \X \h \H \v \V \e \a \N`, nested classes (`[a[b]]`) and class intersection
 * (`[a-z&&[^b]]`). `\Q…\E` quoting is understood.
 */

export type RegexCheck =
  | { readonly ok: true; readonly source: string }
  | { readonly ok: false; readonly kind: 'invalid' | 'unsupported'; readonly reason: string };

const JAVA_ONLY_ESCAPES = new Set(['A', 'Z', 'z', 'G', 'R', 'X', 'h', 'H', 'v', 'V', 'p', 'P', 'e', 'a', 'N']);

/** Translates one Java pattern to JavaScript source, or says why it cannot be. */
export function translateJavaRegex(pattern: string): RegexCheck {
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) {
        return { ok: false, kind: 'invalid', reason: 'it ends with a lone backslash' };
      }
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const quoted = pattern.slice(i + 2, end === -1 ? pattern.length : end);
        out += quoted.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end === -1 ? pattern.length : end + 2;
        continue;
      }
      if (JAVA_ONLY_ESCAPES.has(next)) {
        return { ok: false, kind: 'unsupported', reason: `\\${next} means something else in JavaScript` };
      }
      out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[') {
        return { ok: false, kind: 'unsupported', reason: 'nested character classes are Java-only' };
      }
      if (c === '&' && pattern[i + 1] === '&') {
        return { ok: false, kind: 'unsupported', reason: 'character class intersection (&&) is Java-only' };
      }
      inClass = c !== ']';
      out += c;
      i++;
      continue;
    }
    out += c;
    i++;
    if (c === '[') {
      inClass = true;
      // Java reads `]` right after `[` or `[^` as a literal; JavaScript would close the class.
      if (pattern[i] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i] === ']') {
        out += '\\]';
        i++;
      }
    }
  }
  try {
    new RegExp(out);
  } catch (error) {
    return { ok: false, kind: 'invalid', reason: (error as Error).message.replace(/^Invalid regular expression: /, '') };
  }
  return { ok: true, source: out };
}

/** Checks a filter list item by item, then joined as MM2 joins them. */
export function checkFilterList(items: readonly string[]): Array<{ item: string } & Exclude<RegexCheck, { ok: true }>> {
  const failures: Array<{ item: string } & Exclude<RegexCheck, { ok: true }>> = [];
  const sources: string[] = [];
  for (const item of items) {
    const check = translateJavaRegex(item);
    if (check.ok) {
      sources.push(check.source);
    } else {
      failures.push({ item, ...check });
    }
  }
  if (failures.length === 0 && items.length > 1) {
    try {
      new RegExp(`^(?:${sources.join('|')})$`);
    } catch (error) {
      failures.push({ item: items.join(','), ok: false, kind: 'invalid', reason: (error as Error).message });
    }
  }
  return failures;
}
