// `mesh-desktop audit verify|export`: checks the audit trail and exports a date range of it, for an Information
// Governance lead or an auditor.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describeReport } from '../../audit/chain';
import { entriesBetween, entriesToCsv, entriesToJson, parseDay } from '../../audit/export';
import { AuditTrail, auditFolder } from '../../audit/trail';
import { AppError } from '../../shared/errors';
import { defaultDataFolder } from '../../shared/paths';
import type { Command, CommandContext } from '../command';
import { cliAuditPlacement } from '../connection';
import { EXIT } from '../exit-codes';

function usage(message: string): AppError {
  return new AppError({ code: 'invalid-argument', message });
}

/** The trail given with --folder, else where the machine policy puts it, else the data folder's. */
async function trailOf(context: CommandContext): Promise<AuditTrail> {
  const folder = (context.values.folder as string | undefined) ?? (await cliAuditPlacement()).folder;
  const dataFolder = (context.values['data-dir'] as string | undefined) ?? defaultDataFolder(context.env);
  return new AuditTrail({ folder: folder ? resolve(folder) : auditFolder(dataFolder) });
}

async function verify(context: CommandContext): Promise<number> {
  const trail = await trailOf(context);
  const report = await trail.verify();
  context.print(describeReport(report), { ...report, folder: trail.folder });
  return report.ok ? EXIT.ok : EXIT.failed;
}

async function exportRange(context: CommandContext): Promise<number> {
  const {
    from: fromText,
    to: toText,
    format = 'csv',
    out,
  } = context.values as { from?: string; to?: string; format?: string; out?: string };
  if (!fromText || !toText) throw usage('Give the days to export: --from 2026-03-01 --to 2026-03-31 (UTC days, both included).');
  const from = parseDay(fromText);
  const to = parseDay(toText, true);
  if (!from || !to) throw usage('Give --from and --to as days, such as 2026-03-01 (year-month-day).');
  if (to <= from) throw usage('--to must be the same day as --from or later.');
  if (format !== 'csv' && format !== 'json') throw usage('--format must be csv or json.');
  const trail = await trailOf(context);
  const { entries, report } = await trail.read();
  const chosen = entriesBetween(
    entries.map((located) => located.entry),
    from,
    to,
  );
  const text = format === 'csv' ? entriesToCsv(chosen) : entriesToJson(chosen, { from: from.toISOString(), to: to.toISOString() });
  if (out)
    await writeFile(resolve(out), text, { encoding: 'utf8', flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EEXIST'
        ? usage(`${out} already exists; choose another file name (an export never overwrites one).`)
        : new AppError({ code: 'internal', message: `Could not write ${out}: ${error.message}`, detail: String(error) });
    });
  const checked = describeReport(report);
  if (out) {
    const summary = `${chosen.length} ${chosen.length === 1 ? 'entry' : 'entries'} from ${fromText} to ${toText} written to ${resolve(out)}. ${checked}`;
    context.print(summary, { entries: chosen.length, file: resolve(out), verified: report.ok, verification: checked });
  } else {
    // To standard output (use --out for a file Excel opens: it keeps the CRLF after the last row).
    context.print(text.replace(/\r?\n$/, ''), { entries: chosen, verified: report.ok, verification: checked });
    if (!report.ok) process.stderr.write(`mesh-desktop: ${checked}\n`);
  }
  // The export is written all the same, so what is there can be looked at; the exit code says it cannot be trusted.
  return report.ok ? EXIT.ok : EXIT.failed;
}

export const audit: Command = {
  name: 'audit',
  summary: 'Check the audit trail is complete and unaltered (verify), or export a date range as CSV or JSON (export)',
  usage:
    'mesh-desktop audit verify [--data-dir DIR | --folder DIR]\n' +
    '       mesh-desktop audit export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--out FILE] [--data-dir DIR | --folder DIR]\n' +
    '  verify   says "complete and unaltered from … to …", or names the first entry that does not fit (exit code 1)\n' +
    '  export   UTC days, both included; CSV opens in Excel (UTF-8, ISO dates, formulas made inert); without --out it goes to standard output\n' +
    '  --folder a trail kept elsewhere (for example where policy puts it); default: the audit folder in the data folder',
  options: {
    'data-dir': { type: 'string' },
    folder: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  run: async (context) => {
    const [verb, ...rest] = context.positionals;
    if (rest.length > 0) throw usage(`Unexpected ${rest.join(' ')}: give one of verify or export.`);
    if (verb === 'verify') return verify(context);
    if (verb === 'export') return exportRange(context);
    throw usage('Say what to do: mesh-desktop audit verify, or mesh-desktop audit export --from … --to ….');
  },
};
