// The Group Policy templates: well-formed, complete against the policy schema,
// each value of the registry type the reader takes, and checked in as generated.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { policySchema } from '../../../main/settings/policy';
import {
  acceptedTypesOf,
  allPolicyDefinitions,
  MAILBOX_SLOTS,
  MAILBOX_VALUES,
  POLICY_DEFINITIONS,
  registryTypeOf,
  type PolicyValue,
} from '../../../main/settings/policy-catalogue';
import { policyTemplateFiles, renderAdml, renderAdmx } from '../../../main/settings/policy-templates';
import { parseRegQuery } from '../../../main/settings/reg-query';
import { policyFromRegistry } from '../../../main/settings/registry-policy';

const root = join(__dirname, '..', '..', '..');
const admxText = renderAdmx();
const admlText = renderAdml();

const ARRAYS = new Set([
  'category',
  'policy',
  'text',
  'decimal',
  'boolean',
  'enum',
  'list',
  'item',
  'string',
  'presentation',
  'textBox',
  'dropdownList',
  'decimalTextBox',
  'checkBox',
  'listBox',
]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ARRAYS.has(name),
  parseAttributeValue: false,
});

type Node = Record<string, unknown>;
const admx = parser.parse(admxText) as { policyDefinitions: Node };
const adml = parser.parse(admlText) as { policyDefinitionResources: Node };
const policies = ((admx.policyDefinitions['policies'] as Node)['policy'] as Node[]) ?? [];
const stringTable = (((adml.policyDefinitionResources['resources'] as Node)['stringTable'] as Node)['string'] as Node[]).map((s) =>
  String(s['id']),
);
const presentations = ((adml.policyDefinitionResources['resources'] as Node)['presentationTable'] as Node)['presentation'] as Node[];

/** Every leaf of a zod schema as a path; array items are '*', arrays of plain values are leaves. */
function leaves(schema: z.ZodType, at: string[] = []): string[][] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return leaves(schema.unwrap() as z.ZodType, at);
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, inner]) => leaves(inner, [...at, key]));
  if (schema instanceof z.ZodArray) {
    const element = schema.element as z.ZodType;
    const inner = element instanceof z.ZodOptional ? (element.unwrap() as z.ZodType) : element;
    return inner instanceof z.ZodObject ? leaves(inner, [...at, '*']) : [at];
  }
  return [at];
}

/** The registry type an ADMX element writes. */
function admxType(tag: string, element: Node): string {
  switch (tag) {
    case 'text':
    case 'list':
      return element['expandable'] === 'true' ? 'REG_EXPAND_SZ' : 'REG_SZ';
    case 'decimal':
      return element['storeAsText'] === 'true' ? 'REG_SZ' : 'REG_DWORD';
    case 'boolean':
      return 'REG_DWORD';
    case 'enum':
      return (element['item'] as Node[]).some((item) => 'string' in (item['value'] as Node)) ? 'REG_SZ' : 'REG_DWORD';
    default:
      throw new Error(`unexpected element ${tag}`);
  }
}

/** Every registry value the ADMX writes: full key, value name (or '' for a list), type and element. */
function admxValues(): Array<{ policy: string; key: string; valueName: string; type: string; tag: string; element: Node }> {
  return policies.flatMap((policy) => {
    if (policy['valueName']) {
      return [
        {
          policy: String(policy['name']),
          key: String(policy['key']),
          valueName: String(policy['valueName']),
          type: 'REG_DWORD',
          tag: 'onOff',
          element: policy,
        },
      ];
    }
    const elements = (policy['elements'] as Node | undefined) ?? {};
    return Object.entries(elements).flatMap(([tag, list]) =>
      (list as Node[]).map((element) => ({
        policy: String(policy['name']),
        key: String(element['key'] ?? policy['key']),
        valueName: String(element['valueName'] ?? ''),
        type: admxType(tag, element),
        tag,
        element,
      })),
    );
  });
}

const BASE = 'Software\\Policies\\MESH Desktop';
const full = (key: string) => (key ? `${BASE}\\${key}` : BASE);

describe('the templates', () => {
  it('are well-formed XML', () => {
    for (const [name, text] of Object.entries(policyTemplateFiles())) expect(XMLValidator.validate(text), name).toBe(true);
  });

  it('are checked in exactly as the generator writes them (run npm run policy-templates after a change)', () => {
    for (const [name, text] of Object.entries(policyTemplateFiles())) {
      expect(readFileSync(join(root, 'resources', 'policy', name), 'utf8'), name).toBe(text);
    }
    expect(Object.keys(policyTemplateFiles())).toEqual(['mesh-desktop.admx', 'en-GB/mesh-desktop.adml', 'en-US/mesh-desktop.adml']);
  });

  it('cover every key of the policy.json schema, with one catalogue value each', () => {
    const catalogue = [
      ...POLICY_DEFINITIONS.flatMap((definition) => definition.values.map((value) => value.path.join('.'))),
      ...MAILBOX_VALUES.map((value) => ['mailboxes', '*', ...value.path].join('.')),
    ];
    const schema = leaves(policySchema).map((path) => path.join('.'));
    expect([...catalogue].sort()).toEqual([...schema].sort());
    expect(new Set(catalogue).size).toBe(catalogue.length);
    // The walk itself sees nested keys, so the comparison above means something.
    expect(schema).toContain('mailboxes.*.folderMode.plainFileDefaults.workflowId');
  });

  it('write every catalogue value, in every mailbox slot, with the registry type the reader takes', () => {
    const written = admxValues();
    const check = (value: PolicyValue, key: string) => {
      const names =
        value.kind === 'flags'
          ? value.options.map((option) => option.valueName ?? option.value)
          : value.kind === 'list'
            ? ['']
            : [value.valueName];
      for (const name of names) {
        const found = written.filter(
          (w) => w.key.toLowerCase() === full(key).toLowerCase() && w.valueName.toLowerCase() === name.toLowerCase(),
        );
        expect(found, `${full(key)}\\${name}`).toHaveLength(1);
        expect(found[0]!.type, `${full(key)}\\${name}`).toBe(registryTypeOf(value));
        expect(acceptedTypesOf(value)).toContain(found[0]!.type);
      }
    };
    for (const definition of POLICY_DEFINITIONS) for (const value of definition.values) check(value, value.key);
    for (let slot = 1; slot <= MAILBOX_SLOTS; slot++) {
      for (const value of MAILBOX_VALUES) check(value, value.key ? `Mailboxes\\${slot}\\${value.key}` : `Mailboxes\\${slot}`);
    }
    expect(written).toHaveLength(
      POLICY_DEFINITIONS.flatMap((d) => d.values).reduce((n, v) => n + (v.kind === 'flags' ? v.options.length : 1), 0) +
        MAILBOX_SLOTS * MAILBOX_VALUES.length,
    );
  });

  it('give every number its range, every enum its allowed values, and mark required text', () => {
    for (const w of admxValues()) {
      if (w.tag === 'decimal')
        expect(w.element).toMatchObject(
          w.valueName === 'AuditRetentionDays' ? { minValue: '32', maxValue: '36500' } : { minValue: '5', maxValue: '1440' },
        );
      if (w.tag === 'enum') expect((w.element['item'] as Node[]).length).toBeGreaterThan(1);
    }
    const mailboxId = admxValues().find((w) => w.policy === 'Mailbox1' && w.valueName === 'MailboxId');
    expect(mailboxId?.element['required']).toBe('true');
  });

  it('resolve every string and presentation the ADMX refers to in the ADML, and every control to an element', () => {
    const references = [...admxText.matchAll(/\$\(string\.([^)]+)\)/g)].map((match) => match[1]!);
    for (const id of references) expect(stringTable, id).toContain(id);
    const presentationIds = presentations.map((p) => String(p['id']));
    for (const policy of policies) {
      const ref = /^\$\(presentation\.(.+)\)$/.exec(String(policy['presentation'] ?? ''));
      if (!ref) continue;
      expect(presentationIds).toContain(ref[1]);
      const presentation = presentations.find((p) => p['id'] === ref[1])!;
      const elementIds = Object.values((policy['elements'] as Node) ?? {}).flatMap((list) => (list as Node[]).map((e) => String(e['id'])));
      const controls = ['textBox', 'dropdownList', 'decimalTextBox', 'checkBox', 'listBox'].flatMap((tag) =>
        ((presentation[tag] as Node[] | undefined) ?? []).map((c) => String(c['refId'])),
      );
      expect([...controls].sort(), String(policy['name'])).toEqual([...elementIds].sort());
    }
  });

  it('use no combo box (Intune’s ADMX import refuses them) and reference no other ADMX', () => {
    expect(admxText).not.toContain('comboBox');
    expect(admlText).not.toContain('comboBox');
    expect(admxText).not.toContain('<using ');
  });

  it('put every policy in both Computer and User Configuration, under a MESH Desktop category', () => {
    expect(policies.map((p) => p['class'])).toEqual(allPolicyDefinitions().map(() => 'Both'));
    expect(policies).toHaveLength(POLICY_DEFINITIONS.length + MAILBOX_SLOTS);
  });
});

describe('what the templates write, the reader takes', () => {
  // A plausible value for each catalogue path, as Group Policy would write it.
  const SAMPLES: Record<string, string | number> = {
    'environments.INT': 'https://int.gateway.nhs.uk',
    'environments.DEP': 'https://dep.gateway.nhs.uk',
    'environments.LIVE': 'https://live.gateway.nhs.uk',
    'environments.TRAINING': 'https://training.gateway.nhs.uk',
    'proxy.mode': 'manual',
    'proxy.url': 'http://proxy.trust.nhs.uk:8080',
    'proxy.username': 'svc-mesh',
    'proxy.noProxy': 'localhost,.trust.nhs.uk',
    defaultDownloadFolder: '%ProgramData%\\MESH',
    minimumPollIntervalMinutes: 15,
    auditFolder: '\\\\files\\audit\\%COMPUTERNAME%',
    auditRetentionDays: 3650,
    'updates.enabled': 1,
    environment: 'LIVE',
    displayName: 'Slot',
    downloadFolder: 'D:\\in',
    acknowledge: 'manual',
    'certificate.file': 'D:\\certs\\slot.crt',
    'certificate.keyFile': 'D:\\certs\\slot.key',
    'folderMode.enabled': 1,
    'folderMode.folder': 'D:\\folder',
    'folderMode.plainFileDefaults.to': 'X26ZZZ01',
    'folderMode.plainFileDefaults.workflowId': 'PATH_RESULTS',
    'folderMode.plainFileDefaults.subject': 'Results',
  };

  it('reads back every value of a fully enabled set of policies, knowing every one', () => {
    const keys = new Map<string, string[]>();
    const add = (key: string, line: string) => keys.set(key, [...(keys.get(key) ?? []), `    ${line}`]);
    const hklm = (key: string) => key.replace(/^Software\\Policies\\MESH Desktop/i, 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\MESH Desktop');
    for (const w of admxValues()) {
      const slot = /Mailboxes\\(\d+)/i.exec(w.key)?.[1];
      const definition = allPolicyDefinitions().find((d) => d.name === w.policy)!;
      const value = definition.values.find((v) =>
        v.kind === 'flags' || v.kind === 'list'
          ? full(v.key).toLowerCase() === w.key.toLowerCase()
          : full(v.key).toLowerCase() === w.key.toLowerCase() && v.valueName.toLowerCase() === w.valueName.toLowerCase(),
      )!;
      const path = value.path.join('.');
      if (value.kind === 'list') {
        add(hklm(w.key), `1    ${w.type}    C:\\ca\\one.pem`);
        add(hklm(w.key), `2    ${w.type}    C:\\ca\\two.pem`);
      } else if (w.type === 'REG_DWORD') {
        add(hklm(w.key), `${w.valueName}    REG_DWORD    0x${Number(SAMPLES[path] ?? 1).toString(16)}`);
      } else {
        const text = path === 'mailboxId' ? `X26SLT${String(slot).padStart(2, '0')}` : String(SAMPLES[path]);
        add(hklm(w.key), `${w.valueName}    ${w.type}    ${text}`);
      }
    }
    const text = `\r\n${[...keys].map(([key, lines]) => [key, ...lines].join('\r\n')).join('\r\n\r\n')}\r\n\r\n`;
    const result = policyFromRegistry('HKLM', parseRegQuery(text), { ProgramData: 'C:\\ProgramData' });
    if (result.status !== 'ok') throw new Error(JSON.stringify(result));
    expect(result.notices).toEqual([]);
    expect(result.policy.mailboxes).toHaveLength(MAILBOX_SLOTS);
    expect(result.policy.mailboxes?.[9]).toEqual({
      environment: 'LIVE',
      mailboxId: 'X26SLT10',
      displayName: 'Slot',
      downloadFolder: 'D:\\in',
      acknowledge: 'manual',
      certificate: { file: 'D:\\certs\\slot.crt', keyFile: 'D:\\certs\\slot.key' },
      folderMode: {
        enabled: true,
        folder: 'D:\\folder',
        plainFileDefaults: { to: 'X26ZZZ01', workflowId: 'PATH_RESULTS', subject: 'Results' },
      },
    });
    expect(result.policy).toMatchObject({
      defaultDownloadFolder: 'C:\\ProgramData\\MESH',
      extraCaFiles: ['C:\\ca\\one.pem', 'C:\\ca\\two.pem'],
      allowedEnvironments: ['INT', 'DEP', 'LIVE', 'TRAINING', 'CUSTOM'],
      lock: ['proxy', 'extraCaFiles', 'defaultDownloadFolder', 'updates', 'mailboxes', 'pollInterval'],
      updates: { enabled: true },
      minimumPollIntervalMinutes: 15,
      auditRetentionDays: 3650,
    });
    expect(result.policy.auditFolder).toMatch(/^\\\\files\\audit\\/);
  });
});
