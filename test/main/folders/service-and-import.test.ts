import { describe, expect, it } from 'vitest';
import { environmentForUrl, keytoolCommand, parseMeshClientConfig } from '../../../main/folders/import-meshclient-cfg';
import { assessHealth, type FolderServiceStatus } from '../../../main/folders/service';

/** Shaped like NHS's own samples (prm-gp2gp-docker-mesh-client config-template.cfg, mesh-sandbox java_client_tests.py). */
const CFG = `<?xml version="1.0" encoding="UTF-8"?>
<MESHConfig>
  <PrimaryURL>https://msg.intspineservices.nhs.uk</PrimaryURL>
  <LogPath>C:\\MESH-APP-HOME\\log</LogPath>
  <KeyStorePath>C:\\MESH-APP-HOME\\KEYSTORE\\mesh.keystore</KeyStorePath>
  <KeyStorePassword>storepass</KeyStorePassword>
  <WorkPath>C:\\MESH-APP-HOME\\work</WorkPath>
  <ProxyPath></ProxyPath>
  <SignalPath>C:\\MESH-APP-HOME\\signal</SignalPath>
  <PollPeriod>30</PollPeriod>
  <ServerRetry>3</ServerRetry>
  <MaxMessages>500</MaxMessages>
  <MaxConnections>1</MaxConnections>
  <AutoUpgrade>N</AutoUpgrade>
  <AuthenticationKey>SharedKey</AuthenticationKey>
  <Client>
    <ClientIdentity>x26abc1</ClientIdentity>
    <ClientAuthentication>password1</ClientAuthentication>
    <MailboxType>MESH</MailboxType>
    <InterfaceRoot>C:\\MESH-DATA-HOME\\X26ABC1</InterfaceRoot>
    <ClientLogLevel>INFO</ClientLogLevel>
    <CollectReport>Y</CollectReport>
    <TransferReport>N</TransferReport>
    <PollReport>N</PollReport>
    <SaveSent>Y</SaveSent>
  </Client>
  <Client>
    <ClientIdentity>X26ABC2</ClientIdentity>
    <ClientAuthentication>password2</ClientAuthentication>
    <MailboxType>MESH</MailboxType>
    <InterfaceRoot>C:\\MESH-DATA-HOME\\X26ABC2</InterfaceRoot>
  </Client>
</MESHConfig>`;

describe('parseMeshClientConfig', () => {
  it('reads the top-level settings and one mailbox per Client block', () => {
    const parsed = parseMeshClientConfig(CFG);
    expect(parsed).toEqual({
      ok: true,
      config: {
        primaryUrl: 'https://msg.intspineservices.nhs.uk',
        keyStorePath: 'C:\\MESH-APP-HOME\\KEYSTORE\\mesh.keystore',
        keyStorePassword: 'storepass',
        authenticationKey: 'SharedKey',
        pollPeriod: 30,
        clients: [
          { mailboxId: 'X26ABC1', password: 'password1', interfaceRoot: 'C:\\MESH-DATA-HOME\\X26ABC1', mailboxType: 'MESH' },
          { mailboxId: 'X26ABC2', password: 'password2', interfaceRoot: 'C:\\MESH-DATA-HOME\\X26ABC2', mailboxType: 'MESH' },
        ],
      },
    });
  });

  it.each([
    ['<MESHConfig><Client></MESHConfig>', 'not valid XML'],
    ['<Other/>', 'no MESHConfig'],
    ['<MESHConfig><PollPeriod>30</PollPeriod></MESHConfig>', 'no Client block'],
    ['<MESHConfig><Client><ClientIdentity>X</ClientIdentity></Client></MESHConfig>', 'no Client block'],
  ])('refuses %s', (xml, reason) => {
    const parsed = parseMeshClientConfig(xml);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe('environmentForUrl', () => {
  it.each([
    ['https://msg.intspineservices.nhs.uk', { environment: 'INT' }],
    ['https://msg.intspineservices.nhs.uk/messageexchange', { environment: 'INT' }],
    ['https://mesh-sync.spineservices.nhs.uk', { environment: 'LIVE' }],
    ['https://msg.depspineservices.nhs.uk/', { environment: 'DEP' }],
    ['https://localhost:8700/messageexchange', { environment: 'CUSTOM', customUrl: 'https://localhost:8700' }],
    [undefined, { environment: 'LIVE' }],
  ])('%s → %j', (url, expected) => {
    expect(environmentForUrl(url)).toEqual(expected);
  });
});

it('gives the exact keytool command for the JKS → PFX export', () => {
  expect(keytoolCommand('C:\\MESH-APP-HOME\\KEYSTORE\\mesh.keystore', 'X26ABC1.pfx')).toBe(
    'keytool -importkeystore -srckeystore "C:\\MESH-APP-HOME\\KEYSTORE\\mesh.keystore" -srcstoretype JKS -destkeystore "X26ABC1.pfx" -deststoretype PKCS12',
  );
});

describe('assessHealth', () => {
  const now = new Date('2024-06-01T12:00:00Z');
  const mailbox = {
    profileId: 'p',
    mailboxId: 'X26ABC1',
    folder: '/data/X26ABC1',
    lastPollAt: '2024-06-01T11:50:00Z',
    waitingInOut: 0,
    sending: 0,
    sentSinceStart: 3,
    failedSinceStart: 0,
    receivedSinceStart: 1,
    problems: [],
    pollIntervalMinutes: 30,
  };
  const healthy: FolderServiceStatus = {
    pid: 42,
    running: true,
    startedAt: '2024-06-01T08:00:00Z',
    updatedAt: '2024-06-01T11:59:50Z',
    refreshSeconds: 15,
    mailboxes: [mailbox],
    notRunning: [],
  };
  const alive = () => true;

  it('is healthy when running, fresh and polling', () => {
    expect(assessHealth(healthy, now, alive)).toEqual({ healthy: true, reasons: [] });
  });

  it.each([
    ['no status file', undefined, 'never run'],
    ['stopped', { ...healthy, running: false }, 'not running'],
    ['stale', { ...healthy, updatedAt: '2024-06-01T11:00:00Z' }, 'has not reported'],
    ['no mailboxes', { ...healthy, mailboxes: [] }, 'No mailbox'],
    ['overdue poll', { ...healthy, mailboxes: [{ ...mailbox, lastPollAt: '2024-06-01T10:00:00Z' }] }, 'not been checked for 120 minutes'],
    ['failures', { ...healthy, mailboxes: [{ ...mailbox, failedSinceStart: 2 }] }, '2 file(s) could not be sent'],
    ['problems', { ...healthy, mailboxes: [{ ...mailbox, problems: ['x.dat is waiting'] }] }, 'x.dat is waiting'],
    ['unusable mailbox', { ...healthy, notRunning: [{ mailboxId: 'X26ABC2', reason: 'No certificate' }] }, 'X26ABC2: No certificate'],
  ] as const)('is unhealthy when %s', (_name, status, reason) => {
    const health = assessHealth(status as FolderServiceStatus | undefined, now, alive);
    expect(health.healthy).toBe(false);
    expect(health.reasons.join('\n')).toContain(reason);
  });

  it('is unhealthy when the process is gone although the file says running', () => {
    expect(assessHealth(healthy, now, () => false).reasons).toContain('The folder-mode service is not running.');
  });
});
