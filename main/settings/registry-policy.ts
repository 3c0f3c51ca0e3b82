/**
 * Turns the MESH Desktop policy key of one hive, as reg.exe printed it, into
 * the same Policy a policy.json file gives, checked by the same schema.
 *
 * Fail closed, say why: a value of the wrong type, a flag that is not 0 or 1,
 * anything the schema refuses (a bad address, a mailbox set twice) or anything
 * that looks like a secret makes the whole source unusable, as a broken
 * policy.json does, with a sentence naming the value. A number outside its
 * range is the one exception: the nearest allowed value is the strict reading
 * (a poll interval of 1 minute becomes 5), so it is used, and said.
 *
 * Values this version does not know are ignored and mentioned, so a template
 * newer than the installed app does not stop every PC on the old version.
 * Empty strings and empty subkeys are no value: Group Policy leaves both behind
 * when a policy goes back to Not configured.
 */
import type { z } from 'zod';
import { isSecretKeyName, isSecretValue, policySchema, type Policy } from './policy';
import {
  acceptedTypesOf,
  MAILBOX_VALUES,
  MAILBOXES_KEY,
  POLICY_DEFINITIONS,
  type NumberPolicyValue,
  type PolicyValue,
} from './policy-catalogue';
import { HIVE_NAMES, POLICY_KEY, type RegistryHive, type RegistryKey, type RegistryValue } from './reg-query';

export type RegistrySourceResult =
  { status: 'absent' } | { status: 'ok'; policy: Policy; notices: string[] } | { status: 'broken'; problems: string[]; notices: string[] };

/** Expands %NAME% from `env` (names compared without case, as Windows does); unknown names stay as written. */
export function expandEnvironmentStrings(text: string, env: Record<string, string | undefined>): string {
  const byName = new Map(Object.entries(env).map(([name, value]) => [name.toUpperCase(), value]));
  return text.replace(/%([^%]+)%/g, (whole, name: string) => byName.get(name.toUpperCase()) ?? whole);
}

interface Found {
  key: RegistryKey;
  /** Lower-cased value name → value. */
  values: Map<string, RegistryValue>;
}

/** Where a value was read from, so a sentence about it can name it. */
interface Origin {
  value: PolicyValue;
  policy: string;
  location: string;
  shown?: string;
}

const TYPE_WORDS: Record<string, string> = {
  REG_SZ: 'text',
  REG_EXPAND_SZ: 'text',
  REG_MULTI_SZ: 'a list of text',
  REG_DWORD: 'a number',
  REG_QWORD: 'a large number',
  REG_BINARY: 'binary data',
};

function typeWords(types: readonly string[]): string {
  return `${TYPE_WORDS[types[0]!] ?? types[0]} (${types.join(' or ')})`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function show(data: unknown): string {
  if (typeof data === 'string') return `"${data}"`;
  if (Array.isArray(data)) return data.length === 0 ? 'none' : data.map(show).join(', ');
  return String(data);
}

class Reader {
  readonly problems: string[] = [];
  readonly notices: string[] = [];
  readonly origins = new Map<string, Origin>();
  private readonly keys = new Map<string, Found>();
  private readonly consumed = new Set<string>();

  constructor(
    private readonly root: string,
    keys: readonly RegistryKey[],
    private readonly env: Record<string, string | undefined>,
  ) {
    const prefix = root.toLowerCase();
    for (const key of keys) {
      const lower = key.path.toLowerCase();
      if (lower !== prefix && !lower.startsWith(`${prefix}\\`)) continue;
      const relative = key.path.slice(root.length + 1);
      // "(Default)" is the key's unnamed value, which no policy uses.
      const values = new Map(key.values.filter((value) => value.name !== '(Default)').map((value) => [value.name.toLowerCase(), value]));
      this.keys.set(relative.toLowerCase(), { key, values });
    }
  }

  /** Relative subkey paths, as printed. */
  subkeys(): string[] {
    return [...this.keys.values()].map((found) => found.key.path.slice(this.root.length + 1)).filter(Boolean);
  }

  hasAnyValue(): boolean {
    return [...this.keys.values()].some((found) => found.values.size > 0);
  }

  location(key: string, valueName?: string): string {
    return [this.root, key, valueName].filter(Boolean).join('\\');
  }

  private take(key: string, valueName: string): RegistryValue | undefined {
    const value = this.keys.get(key.toLowerCase())?.values.get(valueName.toLowerCase());
    if (value) this.consumed.add(`${key.toLowerCase()}\\${valueName.toLowerCase()}`);
    return value;
  }

  private valuesOf(key: string): RegistryValue[] {
    const found = this.keys.get(key.toLowerCase());
    if (!found) return [];
    for (const value of found.values.values()) this.consumed.add(`${key.toLowerCase()}\\${value.name.toLowerCase()}`);
    return [...found.values.values()];
  }

  private wrongType(policy: string, value: PolicyValue, got: RegistryValue, location: string): void {
    this.problems.push(
      `Your IT team's policy "${policy}" sets ${value.label} as ${typeWords([got.type])}, but it must be ${typeWords(acceptedTypesOf(value))}, so the policy cannot be used (${location}).`,
    );
  }

  private text(policy: string, value: PolicyValue, got: RegistryValue, location: string): string | undefined {
    if (got.type !== 'REG_SZ' && got.type !== 'REG_EXPAND_SZ') {
      this.wrongType(policy, value, got, location);
      return undefined;
    }
    const raw = got.data as string;
    // reg.exe prints in the console's code page; a character it could not carry would silently change a path.
    if (raw.includes('\uFFFD')) {
      this.problems.push(
        `Your IT team's policy "${policy}" sets ${value.label} to text MESH Desktop could not read correctly, so the policy cannot be used. Use only plain letters, digits and punctuation (${location}).`,
      );
      return undefined;
    }
    const text = got.type === 'REG_EXPAND_SZ' ? expandEnvironmentStrings(raw, this.env) : raw;
    return text === '' ? undefined : text;
  }

  private flag(policy: string, value: PolicyValue, got: RegistryValue, location: string): boolean | undefined {
    if (got.type !== 'REG_DWORD') {
      this.wrongType(policy, value, got, location);
      return undefined;
    }
    if (got.data === 0 || got.data === 1) return got.data === 1;
    this.problems.push(
      `Your IT team's policy "${policy}" sets ${value.label} to ${show(got.data)}; it must be 1 (on) or 0 (off), so the policy cannot be used (${location}).`,
    );
    return undefined;
  }

  private number(policy: string, value: NumberPolicyValue, got: RegistryValue, location: string): number | undefined {
    if (got.type !== 'REG_DWORD' || !Number.isInteger(got.data)) {
      this.wrongType(policy, value, got, location);
      return undefined;
    }
    const requested = got.data as number;
    const used = Math.min(Math.max(requested, value.min), value.max);
    if (used !== requested) {
      const why = requested < value.min ? value.belowMin : value.aboveMax;
      this.notices.push(
        `Your IT team's policy sets ${value.label} to ${plural(requested, value.unit)}; ${why}, so ${plural(used, value.unit)} is used.`,
      );
    }
    return used;
  }

  /** Reads one catalogue value; undefined when it is not set (or could not be used, with a problem recorded). */
  read(policy: string, value: PolicyValue): unknown {
    switch (value.kind) {
      case 'list': {
        const entries = this.valuesOf(value.key).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
        const items: string[] = [];
        for (const entry of entries) {
          const item = this.text(policy, value, entry, this.location(value.key, entry.name));
          if (item !== undefined) items.push(item);
        }
        return items.length > 0 ? items : undefined;
      }
      case 'flags': {
        const entries = this.valuesOf(value.key);
        if (entries.length === 0) return undefined;
        const chosen: string[] = [];
        for (const entry of entries) {
          const option = value.options.find(
            (candidate) => (candidate.valueName ?? candidate.value).toLowerCase() === entry.name.toLowerCase(),
          );
          const location = this.location(value.key, entry.name);
          if (!option) {
            this.unknown(entry, location);
            continue;
          }
          if (this.flag(policy, value, entry, location)) chosen.push(option.value);
        }
        // Keep the catalogue's order, whatever order Windows listed the values in.
        return value.options.map((option) => option.value).filter((option) => chosen.includes(option));
      }
      default: {
        const got = this.take(value.key, value.valueName);
        if (!got) return undefined;
        const location = this.location(value.key, value.valueName);
        if (value.kind === 'boolean') return this.flag(policy, value, got, location);
        if (value.kind === 'number') return this.number(policy, value, got, location);
        return this.text(policy, value, got, location);
      }
    }
  }

  private unknown(value: RegistryValue, location: string): void {
    if (isSecretKeyName(value.name)) return this.secret(location);
    this.notices.push(
      `Your IT team's policy sets ${location}, which this version of MESH Desktop does not know, so it is ignored. A newer MESH Desktop may use it.`,
    );
  }

  private secret(location: string): void {
    this.problems.push(
      `Your IT team's policy holds what looks like a password, passphrase or key (${location}). Every user of this computer can read policy, so secrets must never be put in it: remove it, and change any password that was there. The policy cannot be used until then.`,
    );
  }

  /** Sentences for values nothing consumed; refusals for anything that looks like a secret. */
  finish(): void {
    for (const found of this.keys.values()) {
      const relative = found.key.path.slice(this.root.length + 1);
      for (const value of found.values.values()) {
        const location = this.location(relative, value.name);
        const strings = typeof value.data === 'string' ? [value.data] : Array.isArray(value.data) ? value.data : [];
        if (strings.some(isSecretValue)) {
          this.secret(location);
          continue;
        }
        if (!this.consumed.has(`${relative.toLowerCase()}\\${value.name.toLowerCase()}`)) this.unknown(value, location);
      }
    }
  }
}

type Draft = Record<string, unknown>;

function setAt(target: Draft, path: readonly string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Draft;
  }
  node[path[path.length - 1]!] = value;
}

function hasAt(target: Draft, path: readonly string[]): boolean {
  let node: unknown = target;
  for (const part of path) {
    if (node === null || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Draft)[part];
  }
  return true;
}

/**
 * Reads a group of values (one policy, or one mailbox) into `target`. An
 * object exists when any of its values is set, but a checkbox left off does
 * not make one on its own: the editor writes 0 for every unticked box, and
 * folder mode "off" with no folder is no folder mode at all. An object of
 * nothing but checkboxes (updates) exists as soon as one is written.
 */
function readGroup(
  reader: Reader,
  group: ReadonlyArray<{ value: PolicyValue; policy: string }>,
  target: Draft,
  prefix: readonly string[],
): void {
  const weak: PolicyValue[] = [];
  for (const { value, policy } of group) {
    const data = reader.read(policy, value);
    if (data === undefined) continue;
    const location =
      value.kind === 'list' || value.kind === 'flags' ? reader.location(value.key) : reader.location(value.key, value.valueName);
    reader.origins.set([...prefix, ...value.path].join('.'), { value, policy, location, shown: show(data) });
    const parent = value.path.slice(0, -1).join('.');
    const hasOtherKinds = group.some(
      ({ value: other }) => other !== value && other.kind !== 'boolean' && other.path.slice(0, value.path.length - 1).join('.') === parent,
    );
    if (data === false && parent !== '' && hasOtherKinds) weak.push(value);
    else setAt(target, value.path, data);
  }
  for (const value of weak) if (hasAt(target, value.path.slice(0, -1))) setAt(target, value.path, false);
}

/** The sentence for one problem the schema found, naming the registry value it came from. */
function schemaSentence(origins: Map<string, Origin>, unset: (path: string) => Origin | undefined, issue: z.core.$ZodIssue): string {
  const { path, message } = issue;
  const names = path.map(String);
  for (let length = names.length; length > 0; length--) {
    const origin = origins.get(names.slice(0, length).join('.'));
    if (!origin) continue;
    return length === names.length || origin.value.kind === 'list' || origin.value.kind === 'flags'
      ? `Your IT team's policy "${origin.policy}" sets ${origin.value.label} to ${origin.shown}, which cannot be used: ${message} The policy cannot be used until this is fixed (${origin.location}).`
      : `Your IT team's policy "${origin.policy}" cannot be used: ${message} (${origin.location}).`;
  }
  const origin = unset(names.join('.'));
  if (origin) {
    // zod's words for a missing value are about types; say what IT must do instead.
    const why = issue.code === 'invalid_type' ? ', which it needs.' : `: ${message}`;
    return `Your IT team's policy "${origin.policy}" does not set ${origin.value.label}${why} The policy cannot be used until this is fixed (${origin.location}).`;
  }
  return `Your IT team's policy cannot be used: ${message}`;
}

/** The values of mailbox slot `slot`, keyed below `Mailboxes\<slot>`. */
function slotValues(slot: string): PolicyValue[] {
  return MAILBOX_VALUES.map((value) => ({
    ...value,
    key: value.key ? `${MAILBOXES_KEY}\\${slot}\\${value.key}` : `${MAILBOXES_KEY}\\${slot}`,
  }));
}

/** The Policy the keys of one hive hold (parsed by parseRegQuery), or why they cannot be used. */
export function policyFromRegistry(
  hive: RegistryHive,
  keys: readonly RegistryKey[],
  env: Record<string, string | undefined>,
): RegistrySourceResult {
  const reader = new Reader(`${HIVE_NAMES[hive]}\\${POLICY_KEY}`, keys, env);
  if (!reader.hasAnyValue()) return { status: 'absent' };

  const draft: Draft = {};
  const topLevel = POLICY_DEFINITIONS.flatMap((definition) =>
    definition.values.map((value) => ({ value, policy: definition.displayName })),
  );
  readGroup(reader, topLevel, draft, []);

  // Mailboxes\<n> in number order; Mailboxes\<n>\FolderMode and below belong to slot n. Other names are unknown.
  const slots = [
    ...new Set(
      reader
        .subkeys()
        .map((relative) => relative.split('\\'))
        .filter((parts) => parts[0]!.toLowerCase() === MAILBOXES_KEY.toLowerCase() && /^\d+$/.test(parts[1] ?? ''))
        .map((parts) => parts[1]!),
    ),
  ].sort((a, b) => Number(a) - Number(b));
  const mailboxes: Draft[] = [];
  const used: Array<ReadonlyArray<{ value: PolicyValue; policy: string }>> = [];
  for (const slot of slots) {
    const group = slotValues(slot).map((value) => ({ value, policy: `Mailbox ${Number(slot)}` }));
    const mailbox: Draft = {};
    readGroup(reader, group, mailbox, ['mailboxes', String(mailboxes.length)]);
    if (Object.keys(mailbox).length === 0) continue;
    mailboxes.push(mailbox);
    used.push(group);
  }
  if (mailboxes.length > 0) draft['mailboxes'] = mailboxes;
  reader.finish();
  if (reader.problems.length > 0) return { status: 'broken', problems: reader.problems, notices: reader.notices };

  const parsed = policySchema.safeParse(draft);
  if (parsed.success) return { status: 'ok', policy: parsed.data, notices: reader.notices };
  // A value the schema needs but the policy does not set: name where it would go.
  const unset = (path: string): Origin | undefined => {
    const [first, index, ...rest] = path.split('.');
    const candidates = first === 'mailboxes' && index !== undefined ? (used[Number(index)] ?? []) : topLevel;
    const wanted = first === 'mailboxes' ? rest.join('.') : path;
    const found = candidates.find(({ value }) => value.path.join('.') === wanted);
    if (!found || found.value.kind === 'list' || found.value.kind === 'flags') return undefined;
    return { value: found.value, policy: found.policy, location: reader.location(found.value.key, found.value.valueName) };
  };
  const problems = parsed.error.issues.map((issue) => schemaSentence(reader.origins, unset, issue));
  return { status: 'broken', problems, notices: reader.notices };
}
