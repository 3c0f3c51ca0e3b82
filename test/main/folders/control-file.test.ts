import { describe, expect, it } from 'vitest';
import {
  CANONICAL_ORDER,
  completeSentControl,
  controlDateTime,
  controlStatus,
  controlValue,
  decodeControlBytes,
  failedControl,
  inboundControl,
  outboundControlFor,
  parseControlFile,
  problemForSendFailure,
  readOutboundControl,
  reportControl,
  serialiseControlFile,
  withValues,
  type ControlFile,
} from '../../../main/folders/control-file';

/** Exactly as NHS's own Java-client tests write one (mesh-sandbox tests/java_client_tests.py). */
const JAVA_CLIENT_CTL = `<DTSControl>
<Version>1.0</Version>
<AddressType>DTS</AddressType>
<MessageType>Data</MessageType>
<WorkflowId>TEST_WORKFLOW</WorkflowId>
<To_DTS>X26ABC2</To_DTS>
<From_DTS>X26ABC1</From_DTS>
<Subject>Monthly return</Subject>
<LocalId>ref-42</LocalId>
<Compress>Y</Compress>
<AllowChunking>Y</AllowChunking>
<Encrypted>N</Encrypted>
</DTSControl>`;

function parsed(xml: string): ControlFile {
  const result = parseControlFile(xml);
  if (!result.ok) throw new Error(result.reason);
  return result.control;
}

function names(control: ControlFile): string[] {
  return control.elements.map((element) => element.name);
}

describe('parseControlFile', () => {
  it('reads the Java client documented format with every element in order', () => {
    const control = parsed(JAVA_CLIENT_CTL);
    expect(names(control)).toEqual([
      'Version',
      'AddressType',
      'MessageType',
      'WorkflowId',
      'To_DTS',
      'From_DTS',
      'Subject',
      'LocalId',
      'Compress',
      'AllowChunking',
      'Encrypted',
    ]);
    expect(controlValue(control, 'Subject')).toBe('Monthly return');
  });

  it('accepts an XML declaration and a byte-order mark', () => {
    expect(controlValue(parsed(`\uFEFF<?xml version="1.0" encoding="UTF-8"?>${JAVA_CLIENT_CTL}`), 'To_DTS')).toBe('X26ABC2');
  });

  it('keeps unknown elements such as From_ESMTP', () => {
    const control = parsed('<DTSControl><AddressType>ALL</AddressType><From_ESMTP>a@nhs.net</From_ESMTP></DTSControl>');
    expect(controlValue(control, 'From_ESMTP')).toBe('a@nhs.net');
  });

  it('decodes entities', () => {
    expect(controlValue(parsed('<DTSControl><Subject>A &amp; E &lt;urgent&gt;</Subject></DTSControl>'), 'Subject')).toBe('A & E <urgent>');
  });

  it('treats an empty element as empty text', () => {
    expect(controlValue(parsed('<DTSControl><LocalId/><Subject></Subject></DTSControl>'), 'LocalId')).toBe('');
  });

  it('keeps leading zeros in codes', () => {
    const control = parsed(
      '<DTSControl><StatusRecord><DateTime>20240101120000</DateTime><Event>TRANSFER</Event><Status>SUCCESS</Status><StatusCode>00</StatusCode><Description>ok</Description></StatusRecord></DTSControl>',
    );
    expect(controlStatus(control)).toEqual({
      dateTime: '20240101120000',
      event: 'TRANSFER',
      status: 'SUCCESS',
      statusCode: '00',
      description: 'ok',
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['<DTSControl><To_DTS>X</DTSControl>', 'not valid XML'],
    ['<DTSControl><To_DTS>X</To_DTS>', 'not valid XML'],
    ['not xml at all', 'not valid XML'],
    ['<Control><To_DTS>X</To_DTS></Control>', 'DTSControl'],
    ['<DTSControl/><DTSControl/>', 'one DTSControl'],
    ['<!DOCTYPE x [<!ENTITY a "b">]><DTSControl/>', 'DOCTYPE'],
    ['<DTSControl><To_DTS><A>x</A></To_DTS></DTSControl>', 'other elements'],
  ])('refuses %j with a reason mentioning %s', (xml, expected) => {
    const result = parseControlFile(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(expected);
  });

  it('names the line of an XML error', () => {
    const result = parseControlFile('<DTSControl>\n<To_DTS>X26ABC2</To_DTS>\n<Subject>x</Subjet>\n</DTSControl>');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/line 3/);
  });
});

describe('decodeControlBytes', () => {
  it('reads UTF-8 with and without a BOM', () => {
    expect(decodeControlBytes(Buffer.from('<a>£</a>', 'utf8'))).toBe('<a>£</a>');
    expect(decodeControlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>£</a>')]))).toBe('<a>£</a>');
  });

  it('reads Latin-1 when the declaration says so', () => {
    const bytes = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), Buffer.from([0xa3]), Buffer.from('</a>')]);
    expect(decodeControlBytes(bytes)).toContain('<a>£</a>');
  });

  it('reads UTF-16 with a BOM (Notepad "Unicode")', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>x</a>', 'utf16le')]);
    expect(decodeControlBytes(bytes)).toBe('<a>x</a>');
  });
});

describe('readOutboundControl', () => {
  it('maps the Java client format to a send', () => {
    const result = readOutboundControl(parsed(JAVA_CLIENT_CTL), 'x26abc1');
    expect(result).toEqual({
      ok: true,
      request: {
        to: 'X26ABC2',
        from: 'X26ABC1',
        workflowId: 'TEST_WORKFLOW',
        subject: 'Monthly return',
        localId: 'ref-42',
        compress: true,
        allowChunking: true,
        encrypted: false,
      },
    });
  });

  it('upper-cases the recipient and uses defaults for missing flags', () => {
    const result = readOutboundControl(parsed('<DTSControl><To_DTS> x26abc2 </To_DTS><WorkflowId>W</WorkflowId></DTSControl>'), 'X26ABC1');
    expect(result.ok && result.request).toMatchObject({ to: 'X26ABC2', compress: false, allowChunking: true, encrypted: false });
    expect(result.ok && 'subject' in result.request).toBe(false);
  });

  it.each([
    ['<DTSControl><WorkflowId>W</WorkflowId></DTSControl>', 'To_DTS', 'SEND', '08'],
    ['<DTSControl><To_DTS></To_DTS><WorkflowId>W</WorkflowId></DTSControl>', 'To_DTS', 'SEND', '08'],
    ['<DTSControl><To_DTS>X26ABC2</To_DTS></DTSControl>', 'WorkflowId', 'COLLECT', '01'],
    ['<DTSControl><To_DTS>X26ABC2</To_DTS><WorkflowId> </WorkflowId></DTSControl>', 'WorkflowId', 'COLLECT', '01'],
    [
      '<DTSControl><To_DTS>X26ABC2</To_DTS><WorkflowId>W</WorkflowId><From_DTS>OTHER1</From_DTS></DTSControl>',
      'From_DTS is OTHER1',
      'SEND',
      '07',
    ],
    ['<DTSControl><To_DTS>A</To_DTS><To_DTS>B</To_DTS><WorkflowId>W</WorkflowId></DTSControl>', 'more than one To_DTS', 'COLLECT', '01'],
    [
      '<DTSControl><To_DTS>X26ABC2</To_DTS><WorkflowId>W</WorkflowId><MessageType>Report</MessageType></DTSControl>',
      'MessageType',
      'COLLECT',
      '01',
    ],
    [
      '<DTSControl><To_DTS>X26ABC2</To_DTS><WorkflowId>W</WorkflowId><Compress>maybe</Compress></DTSControl>',
      'Compress must be Y or N',
      'COLLECT',
      '01',
    ],
    ['<DTSControl><To_DTS>X26 ABC2</To_DTS><WorkflowId>W</WorkflowId></DTSControl>', 'not a mailbox ID', 'SEND', '08'],
  ])('refuses %s: %s (%s %s)', (xml, reason, event, code) => {
    const result = readOutboundControl(parsed(xml), 'X26ABC1');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatchObject({ event, code, reason: expect.stringContaining(reason) });
  });

  it('accepts From_DTS in lower case when it is this mailbox', () => {
    expect(
      readOutboundControl(
        parsed('<DTSControl><To_DTS>B</To_DTS><WorkflowId>W</WorkflowId><From_DTS>x26abc1</From_DTS></DTSControl>'),
        'X26ABC1',
      ).ok,
    ).toBe(true);
  });
});

describe('controlDateTime', () => {
  it.each([
    ['2024-03-05T07:08:09.999Z', '20240305070809'],
    ['1999-12-31T23:59:59Z', '19991231235959'],
    ['2030-01-01T00:00:00Z', '20300101000000'],
  ])('%s → %s', (iso, expected) => {
    expect(controlDateTime(new Date(iso))).toBe(expected);
  });
});

describe('completing and writing control files', () => {
  const sentAt = new Date('2024-05-06T10:11:12Z');

  it('completes a sent control file as the Java client does, keeping the person’s order', () => {
    const completed = completeSentControl(parsed(JAVA_CLIENT_CTL), {
      messageId: '20240506101112345678_ABCDEF',
      checksum: 'sha256:abc',
      compressed: true,
      sentAt,
    });
    expect(names(completed)).toEqual([
      'Version',
      'AddressType',
      'MessageType',
      'WorkflowId',
      'To_DTS',
      'From_DTS',
      'Subject',
      'LocalId',
      'Compress',
      'AllowChunking',
      'Encrypted',
      'DTSId',
      'PartnerId',
      'ProcessId',
      'DataChecksum',
      'IsCompressed',
      'StatusRecord',
    ]);
    expect(controlValue(completed, 'DTSId')).toBe('20240506101112345678_ABCDEF');
    expect(controlValue(completed, 'IsCompressed')).toBe('Y');
    expect(controlStatus(completed)).toMatchObject({ dateTime: '20240506101112', event: 'TRANSFER', status: 'SUCCESS', statusCode: '00' });
  });

  it('replaces an existing DTSId in place and keeps one StatusRecord', () => {
    const first = completeSentControl(parsed(JAVA_CLIENT_CTL), { messageId: 'ONE', compressed: false, sentAt });
    const again = completeSentControl(first, { messageId: 'TWO', compressed: false, sentAt });
    expect(names(again)).toEqual(names(first));
    expect(controlValue(again, 'DTSId')).toBe('TWO');
    expect(again.elements.filter((e) => e.name === 'StatusRecord')).toHaveLength(1);
  });

  it('round-trips through XML text', () => {
    const completed = completeSentControl(parsed(JAVA_CLIENT_CTL), { messageId: 'ID&<>', compressed: false, sentAt });
    expect(parsed(serialiseControlFile(completed))).toEqual(completed);
  });

  it('writes one element a line, the StatusRecord nested, with the DateTime format', () => {
    const xml = serialiseControlFile(
      failedControl(parsed(JAVA_CLIENT_CTL), { reason: 'No such mailbox', event: 'SEND', code: '12' }, sentAt),
    );
    expect(xml).toContain('<DTSControl>\n  <Version>1.0</Version>\n  <AddressType>DTS</AddressType>');
    expect(xml).toContain(
      '  <StatusRecord>\n    <DateTime>20240506101112</DateTime>\n    <Event>SEND</Event>\n    <Status>ERROR</Status>\n    <StatusCode>12</StatusCode>\n    <Description>No such mailbox</Description>\n  </StatusRecord>\n</DTSControl>',
    );
  });

  it('writes a failure record even when there was no usable control file', () => {
    const control = failedControl(undefined, { reason: 'not valid XML', event: 'COLLECT', code: '01' }, sentAt);
    expect(names(control)).toEqual(['StatusRecord']);
  });

  it('adds new values before an existing StatusRecord', () => {
    const control = withValues(failedControl(undefined, { reason: 'x', event: 'E', code: '1' }, sentAt), { DTSId: 'A' });
    expect(names(control)).toEqual(['DTSId', 'StatusRecord']);
  });

  it('writes IN control files in the Java client’s order', () => {
    const control = inboundControl({
      messageId: 'MSG1',
      from: 'X26ABC1',
      to: 'X26ABC2',
      workflowId: 'TEST_WORKFLOW',
      subject: 'Subj',
      localId: 'L1',
      compressed: false,
      encrypted: false,
      deliveredAt: sentAt,
    });
    expect(names(control)).toEqual([...CANONICAL_ORDER, 'StatusRecord']);
    expect(controlValue(control, 'DTSId')).toBe('MSG1');
    expect(controlStatus(control)?.dateTime).toBe('20240506101112');
  });

  it('writes a report control file naming the undelivered message', () => {
    const control = reportControl({
      reportId: 'R1',
      linkedMessageId: 'M1',
      code: '14',
      event: 'SEND',
      description: 'Not collected',
      at: sentAt,
    });
    expect(controlValue(control, 'MessageType')).toBe('Report');
    expect(controlValue(control, 'DTSId')).toBe('M1');
    expect(controlStatus(control)).toMatchObject({ status: 'ERROR', statusCode: '14', description: 'Not collected' });
  });

  it('writes a control file for a plain file sent with defaults that reads back the same', () => {
    const request = { to: 'X26ABC2', from: 'X26ABC1', workflowId: 'W', compress: false, allowChunking: true, encrypted: false };
    expect(readOutboundControl(outboundControlFor(request), 'X26ABC1')).toEqual({ ok: true, request });
  });
});

describe('problemForSendFailure', () => {
  it.each([
    [{ code: 'recipient-not-registered', message: 'm' }, 'SEND', '12'],
    [{ code: 'auth-failed', message: 'm' }, 'TRANSFER', '04'],
    [{ code: 'server-certificate-untrusted', message: 'm' }, 'TRANSFER', '03'],
    [{ code: 'client-certificate-expired', message: 'm' }, 'TRANSFER', '03'],
    [{ code: 'server-busy', message: 'm', transient: true }, 'TRANSFER', '06'],
    [{ code: 'send-rejected', message: 'm', meshEvent: 'SEND', meshCode: '17' }, 'SEND', '17'],
    [{ code: 'file-not-found', message: 'm' }, 'COLLECT', '02'],
    [{ code: 'internal', message: 'm' }, 'SEND', '14'],
  ] as const)('%j → %s %s', (error, event, code) => {
    expect(problemForSendFailure(error)).toEqual({ reason: 'm', event, code });
  });
});
