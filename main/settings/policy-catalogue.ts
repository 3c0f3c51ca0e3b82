/**
 * Where every policy.json setting lives in the registry, and how the Group
 * Policy editor offers it. One table serves both the registry reader
 * (registry-policy.ts) and the ADMX/ADML generator (policy-templates.ts), and a
 * test walks policySchema to prove every key of it is here, so a new setting
 * cannot reach policy.json without reaching the templates too.
 *
 * Layout below HKLM or HKCU\SOFTWARE\Policies\MESH Desktop: each object in
 * policy.json is a subkey (`Proxy`, `Environments`), each value a registry
 * value named after its key in PascalCase. A list of strings is a subkey of
 * numbered values (`ExtraCaFiles\1`, `\2`…), as Chrome's and Edge's list
 * policies are, because ADMX writes lists that way. A list of fixed choices is
 * a subkey of 0/1 values, one per choice (`AllowedEnvironments\LIVE` = 1), so
 * IT ticks boxes instead of typing names. Mailboxes are `Mailboxes\1` to
 * `Mailboxes\<n>`, one subkey each: ADMX cannot express a list of objects, so
 * the templates offer a fixed number of mailbox slots, each a policy of its
 * own, and the reader takes any number of them.
 */
import { AUDIT_RETENTION_MAX_DAYS, AUDIT_RETENTION_MIN_DAYS, LOCKABLE_SETTINGS, type LockableSetting } from './policy';
import { MAX_POLL_INTERVAL_MINUTES, MIN_POLL_INTERVAL_MINUTES } from './schema';

/** How one value is held in the registry and offered in the editor. */
export type PolicyValueKind = 'text' | 'path' | 'enum' | 'number' | 'boolean' | 'list' | 'flags';

export interface PolicyOption {
  /** The value in policy.json. */
  value: string;
  /** The registry value name, for flags (default: `value`). */
  valueName?: string;
  /** What the Group Policy editor shows. */
  label: string;
}

interface BaseValue {
  /** Where the value goes in policy.json; for a mailbox value, inside one mailbox. */
  path: readonly string[];
  /** The subkey holding it, below the policy key (or below `Mailboxes\<n>`); '' for the key itself. For lists and flags, the subkey holding their values. */
  key: string;
  /** Its name for IT, used in the editor and in every sentence about it. */
  label: string;
}

export interface TextPolicyValue extends BaseValue {
  /** 'path' values are REG_EXPAND_SZ: environment variables like %ProgramData% are expanded. */
  kind: 'text' | 'path';
  valueName: string;
  required?: boolean;
  maxLength?: number;
}

export interface EnumPolicyValue extends BaseValue {
  kind: 'enum';
  valueName: string;
  /** Without it the first choice in the editor is "not set", which writes nothing. */
  required: boolean;
  options: readonly PolicyOption[];
}

export interface NumberPolicyValue extends BaseValue {
  kind: 'number';
  valueName: string;
  min: number;
  max: number;
  /** The editor's starting value. */
  default: number;
  unit: string;
  /** Why a value below `min` becomes `min` (ends "…, so"), e.g. "MESH allows 5 minutes at the shortest". */
  belowMin: string;
  aboveMax: string;
}

export interface BooleanPolicyValue extends BaseValue {
  kind: 'boolean';
  valueName: string;
}

export interface ListPolicyValue extends BaseValue {
  kind: 'list';
  /** True when entries are paths (REG_EXPAND_SZ). */
  expandable: boolean;
}

export interface FlagsPolicyValue extends BaseValue {
  kind: 'flags';
  options: readonly PolicyOption[];
}

export type PolicyValue = TextPolicyValue | EnumPolicyValue | NumberPolicyValue | BooleanPolicyValue | ListPolicyValue | FlagsPolicyValue;

export type PolicyCategory = 'root' | 'mailboxes' | 'connection' | 'files';

/** One policy in the Group Policy editor: a page with its explanation and the values it sets. */
export interface PolicyDefinition {
  /** The ADMX policy name; stable forever (Intune and GPO reports refer to it). */
  name: string;
  category: PolicyCategory;
  displayName: string;
  /** For IT, in plain English; the generator adds where each value is kept. */
  explain: string;
  /** The subkey of the policy itself ('' for the MESH Desktop key). */
  key: string;
  /**
   * An on/off policy with no options: Enabled writes 1 and Disabled 0 to its
   * one boolean value, so "Disabled" is a value too, not the absence of one.
   */
  onOff?: boolean;
  values: readonly PolicyValue[];
}

/** The registry type each kind is written as by the templates. */
export function registryTypeOf(value: PolicyValue): 'REG_SZ' | 'REG_EXPAND_SZ' | 'REG_DWORD' {
  switch (value.kind) {
    case 'path':
      return 'REG_EXPAND_SZ';
    case 'list':
      return value.expandable ? 'REG_EXPAND_SZ' : 'REG_SZ';
    case 'number':
    case 'boolean':
    case 'flags':
      return 'REG_DWORD';
    default:
      return 'REG_SZ';
  }
}

/** The registry types the reader accepts for each kind: text may come expandable or not, as scripts write either. */
export function acceptedTypesOf(value: PolicyValue): readonly string[] {
  const type = registryTypeOf(value);
  return type === 'REG_DWORD' ? ['REG_DWORD'] : ['REG_SZ', 'REG_EXPAND_SZ'];
}

/** Top-level categories as the Group Policy editor shows them, under Administrative Templates. */
export const CATEGORY_NAMES: Readonly<Record<PolicyCategory, string>> = {
  root: 'MESH Desktop',
  mailboxes: 'Mailboxes',
  connection: 'Connecting to MESH',
  files: 'Received files and inbox checks',
};

const NAMED_ENVIRONMENT_OPTIONS: readonly PolicyOption[] = [
  { value: 'INT', label: 'Integration (INT)' },
  { value: 'DEP', label: 'Deployment (DEP)' },
  { value: 'LIVE', label: 'Live' },
  { value: 'TRAINING', label: 'Training' },
];

const LOCK_LABELS: Readonly<Record<LockableSetting, string>> = {
  proxy: 'Proxy server',
  extraCaFiles: 'Extra certificate authorities',
  defaultDownloadFolder: 'Default download folder',
  updates: 'Automatic updates',
  mailboxes: 'Mailboxes (people cannot add their own)',
  pollInterval: 'How often mailboxes are checked (every mailbox at the poll interval)',
};

const PASCAL: Readonly<Record<LockableSetting, string>> = {
  proxy: 'Proxy',
  extraCaFiles: 'ExtraCaFiles',
  defaultDownloadFolder: 'DefaultDownloadFolder',
  updates: 'Updates',
  mailboxes: 'Mailboxes',
  pollInterval: 'PollInterval',
};

/** Every policy except the mailbox slots. */
export const POLICY_DEFINITIONS: readonly PolicyDefinition[] = [
  {
    name: 'LockedSettings',
    category: 'root',
    displayName: 'Settings people cannot change',
    key: 'Lock',
    explain: [
      'Chooses exactly which settings people cannot change in MESH Desktop.',
      '',
      'Not configured: every setting these policies give a value for is locked.',
      '',
      'Enabled: only the ticked settings are locked. A ticked setting that no policy gives a value for is locked at MESH Desktop’s built-in value (ticking Proxy server alone forces the Windows proxy settings). A setting a policy gives a value for but that is not ticked is only a starting value: people can change it.',
      '',
      'Ticking Mailboxes also stops people adding mailboxes of their own. Ticking How often mailboxes are checked fixes every mailbox at the Poll interval (5 minutes if no poll interval is set).',
      '',
      'When Computer Configuration, User Configuration and a policy.json file speak about the same setting, the first of them (in that order) that gives it a value or ticks it here decides whether it is locked; see "Group Policy and Intune" in the MESH Desktop deployment guide.',
    ].join('\n'),
    values: [
      {
        kind: 'flags',
        path: ['lock'],
        key: 'Lock',
        label: 'Settings people cannot change',
        options: LOCKABLE_SETTINGS.map((setting) => ({ value: setting, valueName: PASCAL[setting], label: LOCK_LABELS[setting] })),
      },
    ],
  },
  {
    name: 'AutomaticUpdates',
    category: 'root',
    displayName: 'Automatic updates',
    key: 'Updates',
    onOff: true,
    explain: [
      'Reserved for a future opt-in updater. This version of MESH Desktop never downloads or installs a new version by itself, whatever this policy says: you control the version on every PC by deploying the installer.',
      '',
      'Enabled: updates allowed. Disabled: updates switched off. Not configured: the person’s own choice.',
    ].join('\n'),
    values: [{ kind: 'boolean', path: ['updates', 'enabled'], key: 'Updates', valueName: 'Enabled', label: 'Automatic updates' }],
  },
  {
    name: 'ServerAddresses',
    category: 'connection',
    displayName: 'MESH server addresses',
    key: 'Environments',
    explain: [
      'Sets the address MESH Desktop uses for a MESH environment, for example to go through your organisation’s gateway.',
      '',
      'Each address must start with https:// and contain no user name, password, "?" or "#", for example https://mesh-gateway.trust.nhs.uk. Leave a box empty to keep MESH Desktop’s built-in address for that environment.',
      '',
      'Not configured: the built-in addresses.',
    ].join('\n'),
    values: NAMED_ENVIRONMENT_OPTIONS.map((option): TextPolicyValue => ({
      kind: 'text',
      path: ['environments', option.value],
      key: 'Environments',
      valueName: option.value,
      label: `${option.label} address`,
      maxLength: 2000,
    })),
  },
  {
    name: 'AllowedEnvironments',
    category: 'connection',
    displayName: 'Which MESH environments can be used',
    key: 'AllowedEnvironments',
    explain: [
      'Tick the MESH environments people may use. A mailbox in an environment that is not ticked cannot be added, and one already set up is shown as unusable, with the reason.',
      '',
      '"Another server" is a mailbox on a server address the person types in themselves. Leave Training unticked to hide the training sandbox.',
      '',
      'Tick at least one. With none ticked the policy cannot be used, and MESH Desktop will not connect until it is fixed.',
      '',
      'Not configured: every environment can be used.',
    ].join('\n'),
    values: [
      {
        kind: 'flags',
        path: ['allowedEnvironments'],
        key: 'AllowedEnvironments',
        label: 'Environments that can be used',
        options: [...NAMED_ENVIRONMENT_OPTIONS, { value: 'CUSTOM', label: 'Another server' }],
      },
    ],
  },
  {
    name: 'ProxyServer',
    category: 'connection',
    displayName: 'Proxy server',
    key: 'Proxy',
    explain: [
      'How MESH Desktop reaches MESH.',
      '',
      'Use the Windows proxy settings: the proxy Windows itself uses, including a PAC script.',
      'Use this proxy: the proxy address below, which must start with http:// or https://, like http://proxy.trust.nhs.uk:8080.',
      'No proxy: connect directly.',
      '',
      'Proxy user name: only if your proxy asks for one. A proxy password is never set by policy: each person enters it once in MESH Desktop, and it is kept in Windows Credential Manager.',
      '',
      'Addresses that skip the proxy: names or addresses separated by commas, like localhost,127.0.0.1,.trust.nhs.uk (a leading dot covers every name in that domain).',
      '',
      'Not configured: the person’s own choice, which starts as the Windows proxy settings.',
    ].join('\n'),
    values: [
      {
        kind: 'enum',
        path: ['proxy', 'mode'],
        key: 'Proxy',
        valueName: 'Mode',
        label: 'Proxy',
        required: true,
        options: [
          { value: 'system', label: 'Use the Windows proxy settings' },
          { value: 'manual', label: 'Use this proxy' },
          { value: 'none', label: 'No proxy' },
        ],
      },
      { kind: 'text', path: ['proxy', 'url'], key: 'Proxy', valueName: 'Url', label: 'Proxy address', maxLength: 2000 },
      { kind: 'text', path: ['proxy', 'username'], key: 'Proxy', valueName: 'Username', label: 'Proxy user name', maxLength: 256 },
      {
        kind: 'text',
        path: ['proxy', 'noProxy'],
        key: 'Proxy',
        valueName: 'NoProxy',
        label: 'Addresses that skip the proxy',
        maxLength: 4000,
      },
    ],
  },
  {
    name: 'ExtraCaFiles',
    category: 'connection',
    displayName: 'Extra certificate authorities to trust',
    key: 'ExtraCaFiles',
    explain: [
      'Certificate authority files MESH Desktop trusts as well as its built-in ones: for example the NHS root certificates, or the certificate of a proxy that inspects TLS.',
      '',
      'Add one full path per entry, to a PEM or DER file every user of the PC can read, like C:\\ProgramData\\MESH Desktop\\ca\\nhs-root-g2.pem. Environment variables such as %ProgramData% are expanded.',
      '',
      'Not configured: only the person’s own extra files, if any.',
    ].join('\n'),
    values: [{ kind: 'list', path: ['extraCaFiles'], key: 'ExtraCaFiles', label: 'Certificate authority files', expandable: true }],
  },
  {
    name: 'DefaultDownloadFolder',
    category: 'files',
    displayName: 'Default download folder',
    key: '',
    explain: [
      'The folder received files are saved in when a mailbox has no download folder of its own.',
      '',
      'A full path, like \\\\fileserver\\mesh\\received or %USERPROFILE%\\Documents\\MESH. Environment variables are expanded.',
      '',
      'Not configured: the person’s own choice.',
    ].join('\n'),
    values: [
      {
        kind: 'path',
        path: ['defaultDownloadFolder'],
        key: '',
        valueName: 'DefaultDownloadFolder',
        label: 'Default download folder',
        required: true,
        maxLength: 1000,
      },
    ],
  },
  {
    name: 'AuditFolder',
    category: 'files',
    displayName: 'Audit trail folder',
    key: '',
    explain: [
      'The folder MESH Desktop keeps its audit trail in: the hash-chained record of every message sent, received and acknowledged from this PC, by the window, the command line and folder mode.',
      '',
      'A full path every user of the PC can write, like \\\\fileserver\\mesh-audit\\%COMPUTERNAME%. Environment variables are expanded. Use one folder per PC: the trail is one chain per folder.',
      '',
      'Not configured: the audit folder inside each person’s MESH Desktop data folder.',
    ].join('\n'),
    values: [
      {
        kind: 'path',
        path: ['auditFolder'],
        key: '',
        valueName: 'AuditFolder',
        label: 'Audit trail folder',
        required: true,
        maxLength: 1000,
      },
    ],
  },
  {
    name: 'AuditRetention',
    category: 'files',
    displayName: 'Audit trail retention',
    key: '',
    explain: [
      'How long, in days, MESH Desktop keeps its audit trail. When MESH Desktop or folder mode starts, whole months of entries older than this are removed, and the trail records what was removed so that its check still passes.',
      '',
      `From ${AUDIT_RETENTION_MIN_DAYS} to ${AUDIT_RETENTION_MAX_DAYS} days. Check the retention schedule of the NHS Records Management Code of Practice with your records manager before choosing.`,
      '',
      'Not configured: nothing is removed.',
    ].join('\n'),
    values: [
      {
        kind: 'number',
        path: ['auditRetentionDays'],
        key: '',
        valueName: 'AuditRetentionDays',
        label: 'Keep the audit trail for',
        min: AUDIT_RETENTION_MIN_DAYS,
        max: AUDIT_RETENTION_MAX_DAYS,
        default: 3650,
        unit: 'day',
        belowMin: `a shorter time could cut a month of the trail short`,
        aboveMax: `${AUDIT_RETENTION_MAX_DAYS} days (100 years) is the longest`,
      },
    ],
  },
  {
    name: 'PollInterval',
    category: 'files',
    displayName: 'Poll interval (shortest time between inbox checks)',
    key: '',
    explain: [
      'The shortest time, in minutes, between two checks of a mailbox’s inbox: no mailbox is checked more often than this. People may choose a longer time.',
      '',
      `MESH allows one check every ${MIN_POLL_INTERVAL_MINUTES} minutes at most, and mailboxes must be checked at least once a day, so the value is ${MIN_POLL_INTERVAL_MINUTES} to ${MAX_POLL_INTERVAL_MINUTES}. A value outside that range (set by a script, for example) is raised or lowered to the nearest allowed value, and MESH Desktop says so in its Settings.`,
      '',
      'To check every mailbox at exactly this interval, also tick "How often mailboxes are checked" in Settings people cannot change.',
      '',
      `Not configured: ${MIN_POLL_INTERVAL_MINUTES} minutes at the shortest.`,
    ].join('\n'),
    values: [
      {
        kind: 'number',
        path: ['minimumPollIntervalMinutes'],
        key: '',
        valueName: 'MinimumPollIntervalMinutes',
        label: 'Poll interval',
        min: MIN_POLL_INTERVAL_MINUTES,
        max: MAX_POLL_INTERVAL_MINUTES,
        default: 15,
        unit: 'minute',
        belowMin: `MESH allows ${MIN_POLL_INTERVAL_MINUTES} minutes at the shortest`,
        aboveMax: `MESH asks for every mailbox to be checked at least once a day`,
      },
    ],
  },
];

/** The subkey holding one subkey per mailbox. */
export const MAILBOXES_KEY = 'Mailboxes';

/** How many mailbox slots the templates offer. The reader takes any number of `Mailboxes\<n>` subkeys. */
export const MAILBOX_SLOTS = 10;

/** The values of one mailbox, below `Mailboxes\<n>`. */
export const MAILBOX_VALUES: readonly PolicyValue[] = [
  {
    kind: 'enum',
    path: ['environment'],
    key: '',
    valueName: 'Environment',
    label: 'Environment',
    required: true,
    options: NAMED_ENVIRONMENT_OPTIONS,
  },
  { kind: 'text', path: ['mailboxId'], key: '', valueName: 'MailboxId', label: 'Mailbox ID', required: true, maxLength: 20 },
  { kind: 'text', path: ['displayName'], key: '', valueName: 'DisplayName', label: 'Display name', required: true, maxLength: 100 },
  { kind: 'path', path: ['downloadFolder'], key: '', valueName: 'DownloadFolder', label: 'Download folder', maxLength: 1000 },
  {
    kind: 'path',
    path: ['certificate', 'file'],
    key: 'Certificate',
    valueName: 'File',
    label: 'Certificate file',
    maxLength: 1000,
  },
  {
    kind: 'path',
    path: ['certificate', 'keyFile'],
    key: 'Certificate',
    valueName: 'KeyFile',
    label: 'Private key file',
    maxLength: 1000,
  },
  {
    kind: 'enum',
    path: ['acknowledge'],
    key: '',
    valueName: 'Acknowledge',
    label: 'Acknowledge received messages',
    required: false,
    options: [
      { value: 'after-save', label: 'Automatically, once saved' },
      { value: 'manual', label: 'By hand' },
    ],
  },
  { kind: 'boolean', path: ['folderMode', 'enabled'], key: 'FolderMode', valueName: 'Enabled', label: 'Folder mode' },
  { kind: 'path', path: ['folderMode', 'folder'], key: 'FolderMode', valueName: 'Folder', label: 'Folder-mode folder', maxLength: 1000 },
  {
    kind: 'text',
    path: ['folderMode', 'plainFileDefaults', 'to'],
    key: 'FolderMode\\PlainFileDefaults',
    valueName: 'To',
    label: 'Recipient of files dropped without a control file',
    maxLength: 20,
  },
  {
    kind: 'text',
    path: ['folderMode', 'plainFileDefaults', 'workflowId'],
    key: 'FolderMode\\PlainFileDefaults',
    valueName: 'WorkflowId',
    label: 'Workflow ID of files dropped without a control file',
    maxLength: 255,
  },
  {
    kind: 'text',
    path: ['folderMode', 'plainFileDefaults', 'subject'],
    key: 'FolderMode\\PlainFileDefaults',
    valueName: 'Subject',
    label: 'Subject of files dropped without a control file',
    maxLength: 500,
  },
];

const MAILBOX_EXPLAIN = [
  'A mailbox that appears in MESH Desktop for everyone this policy applies to. People cannot remove it or change what is set here; each person adds its password (and its certificate, unless it is set here) themselves.',
  '',
  'Environment: Integration (INT), Deployment (DEP), Live or Training.',
  'Mailbox ID: as NHS England issued it, 5 to 20 letters or digits, like X26ABC1.',
  'Display name: what people see, up to 100 characters.',
  'Download folder (optional): where this mailbox’s received files are saved. Environment variables such as %USERPROFILE% are expanded. Empty: the Default download folder, or the person’s own choice.',
  'Certificate file (optional): the mailbox’s client certificate where your deployment put it, such as %ProgramData%\\MESH Desktop\\X26ABC1.pfx: a .pfx or .p12 file, or a PEM certificate (.pem, .crt) with its private key in Private key file. People cannot choose another certificate for this mailbox. If the certificate has a password, each person types it once in Settings; never put a password in policy. Give each person read access to the files, and no one else.',
  'Private key file (optional): the PEM private key for a PEM certificate file. Leave it empty for a .pfx or .p12 file, or for a PEM file that holds the key too.',
  'Acknowledge received messages (optional): automatically, once MESH Desktop has saved each one, or by hand. Not set: the person’s own choice, which starts as automatically.',
  '',
  'Folder mode (optional), as the NHS Java MESH Client worked: tick it and give the mailbox’s folder, which holds IN, OUT, SENT, FAILED and TEMP. Files put in OUT are sent; received files are saved in IN. For files put in OUT without a control file, give the recipient’s mailbox ID and the workflow ID (both are needed) and, if you like, a subject; without them such files wait in OUT.',
  '',
  'Each mailbox (environment and mailbox ID) may be set in only one mailbox policy of Computer Configuration, and in only one of User Configuration. Set twice in the same place, the policy cannot be used and MESH Desktop will not connect until it is fixed. A mailbox set in more than one place (Computer Configuration, User Configuration, policy.json) takes all its settings from the first of those.',
].join('\n');

/** The policy for mailbox slot `slot` (1-based), writing to `Mailboxes\<slot>`. */
export function mailboxPolicy(slot: number): PolicyDefinition {
  return {
    name: `Mailbox${slot}`,
    category: 'mailboxes',
    displayName: `Mailbox ${slot}`,
    key: `${MAILBOXES_KEY}\\${slot}`,
    explain: MAILBOX_EXPLAIN,
    values: MAILBOX_VALUES.map((value) => ({
      ...value,
      key: value.key ? `${MAILBOXES_KEY}\\${slot}\\${value.key}` : `${MAILBOXES_KEY}\\${slot}`,
    })),
  };
}

/** Every policy the templates offer, in the order the editor lists them. */
export function allPolicyDefinitions(): PolicyDefinition[] {
  return [...POLICY_DEFINITIONS, ...Array.from({ length: MAILBOX_SLOTS }, (_, index) => mailboxPolicy(index + 1))];
}
