/**
 * Input handling shared by the commands that read a symmetry spec (`erlangen basis`,
 * `erlangen check`): a UTF-8 byte-order mark at the start of a file or argument is
 * dropped, and a positional spec `"G: REP -> REP"` that disagrees with `--group/--in/--out` is a
 * usage error rather than one silently winning.
 * @module
 */

/** The UTF-8 byte-order mark as decoded text (U+FEFF). */
export const BOM = '\uFEFF';

/** `text` without a leading byte-order mark (editors on Windows write one). */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** A symmetry problem: group name, input rep, output rep (strings in the grammars). */
export interface SpecStrings {
  group: string;
  in: string;
  out: string;
}

/**
 * Split a positional spec `"G: REP -> REP"` (BOM stripped). The group is everything before the
 * first `:`, the reps are split at the last `->`.
 * @returns the three parts, or null when the text does not have that form
 */
export function splitSpec(spec: string): SpecStrings | null {
  const m = /^(.+?):(.+)->(.+)$/s.exec(stripBom(spec));
  if (!m) return null;
  const [group, rin, rout] = [m[1]!.trim(), m[2]!.trim(), m[3]!.trim()];
  if (!group || !rin || !rout) return null;
  return { group, in: rin, out: rout };
}

/**
 * Combine a positional spec with the `--group/--in/--out` flags. A flag that repeats the spec's
 * value (up to surrounding whitespace) is accepted; one that differs is a conflict.
 * @param command the command name for messages, e.g. `"basis"`
 * @param spec the positional spec, if any
 * @param flags the flag values, if any
 * @returns the resolved problem, or a usage-error message (without the `erlangen <command>:` prefix)
 */
export function resolveSpec(
  command: string, spec: string | undefined, flags: { group?: string; in?: string; out?: string },
): SpecStrings | string {
  const flagOf = { group: flags.group, in: flags.in, out: flags.out };
  if (spec === undefined) {
    const missing = (['group', 'in', 'out'] as const).filter((k) => flagOf[k] === undefined).map((k) => `--${k}`);
    if (missing.length) return `need --group, --in and --out (or a spec "G: REP -> REP"); missing ${missing.join(', ')}`;
    return { group: stripBom(flagOf.group!).trim(), in: stripBom(flagOf.in!).trim(), out: stripBom(flagOf.out!).trim() };
  }
  const parts = splitSpec(spec);
  if (!parts) return `cannot read spec '${spec}' (expected "G: REP -> REP")`;
  for (const k of ['group', 'in', 'out'] as const) {
    const v = flagOf[k];
    if (v !== undefined && stripBom(v).trim() !== parts[k]) {
      return `the spec '${spec}' gives ${k} '${parts[k]}' but --${k} gives '${v}'; use one or the other (erlangen ${command})`;
    }
  }
  return parts;
}
