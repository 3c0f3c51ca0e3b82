// What Windows does with a command line, for testing the `mesh-desktop.cmd`
// wrapper where there is no cmd.exe: how a caller quotes arguments, how cmd.exe
// reads a batch line (percent expansion, then quotes, carets and operators),
// and how the program splits its command line back into arguments
// (CommandLineToArgvW, which Chromium and so Electron use).

/** Quotes one argument as Windows programs do (the MSVCRT rules), and as cmd.exe needs for ^ & | < >. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"^&|<>%!]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes += 1;
      continue;
    }
    // Backslashes are literal unless a quote follows: then each must be doubled, and the quote escaped.
    out += ch === '"' ? '\\'.repeat(slashes * 2 + 1) + '"' : '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

/**
 * The command cmd.exe runs for one line of a batch file started with `args`
 * (the text after the batch file's name) from `folder`: phase 1 replaces
 * `%*` and `%~dp0` (and `%%` by `%`) in one pass, never expanding what it put
 * in; phase 2 removes carets outside quotes and stops at an operator outside
 * quotes, which this model reports as an error (the line would be split).
 */
export function cmdBatchLine(line: string, args: string, folder: string): string {
  const expanded = line.replace(/%\*|%~dp0|%%/g, (token) => (token === '%*' ? args : token === '%~dp0' ? folder : '%'));
  let out = '';
  let quoted = false;
  for (let i = 0; i < expanded.length; i += 1) {
    const ch = expanded[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '^') {
      i += 1;
      if (i < expanded.length) out += expanded[i];
      continue;
    } else if (!quoted && '&|<>'.includes(ch)) {
      throw new Error(`cmd.exe would split the line at "${ch}": ${expanded}`);
    }
    out += ch;
  }
  return out;
}

/** Splits a command line as CommandLineToArgvW does: the program name, then the arguments. */
export function commandLineToArgv(commandLine: string): string[] {
  const argv: string[] = [];
  let i = 0;
  // The program name: quotes group, backslashes are plain.
  let program = '';
  let inQuotes = false;
  for (; i < commandLine.length; i += 1) {
    const ch = commandLine[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === ' ' || ch === '\t')) break;
    else program += ch;
  }
  argv.push(program);
  for (;;) {
    while (commandLine[i] === ' ' || commandLine[i] === '\t') i += 1;
    if (i >= commandLine.length) break;
    let arg = '';
    inQuotes = false;
    for (; i < commandLine.length; i += 1) {
      const ch = commandLine[i]!;
      if (ch === '\\') {
        let slashes = 0;
        while (commandLine[i] === '\\') {
          slashes += 1;
          i += 1;
        }
        if (commandLine[i] === '"') {
          arg += '\\'.repeat(Math.floor(slashes / 2));
          if (slashes % 2 === 1) arg += '"';
          else i -= 1; // the quote toggles, handled next round
        } else {
          arg += '\\'.repeat(slashes);
          i -= 1;
        }
        continue;
      }
      if (ch === '"') {
        // Inside quotes, "" is one literal quote (and quoting carries on).
        if (inQuotes && commandLine[i + 1] === '"') {
          arg += '"';
          i += 1;
        } else inQuotes = !inQuotes;
        continue;
      }
      if (!inQuotes && (ch === ' ' || ch === '\t')) break;
      arg += ch;
    }
    argv.push(arg);
  }
  return argv;
}
