// The V8 flags the command line runs with, wherever it runs: Node from a
// checkout (bin/mesh-desktop.mjs's first line, which must spell them out, and
// a scheduled unit, which cannot use a shebang), and the installed app, where
// the command line runs in Electron's main process.
//
// --initial-heap-size=64: the engine's first seconds grow the heap from
// nothing through a dozen collections otherwise. --max-semi-space-size=2: a
// download's socket buffers are freed by young collections instead of full
// ones (bench transfer, 1 GiB: full GCs 35-38 -> 0, peak RSS 184 -> 134 MiB).
// docs/testing.md has the measurements.

/** As Node takes them, before the script. */
export const COMMAND_LINE_V8_FLAGS: readonly string[] = ['--initial-heap-size=64', '--max-semi-space-size=2'];

/**
 * The same flags as Electron takes them for its main process: one switch on the executable's own command line.
 * NODE_OPTIONS is closed by the fuses, and app.commandLine.appendSwitch comes after the main process's V8 has
 * started, so only a launch that carries the switch gets them (the command wrappers and the start-up task).
 * routeLaunch skips it like any other leading switch.
 */
export const ELECTRON_JS_FLAGS_SWITCH = `--js-flags=${COMMAND_LINE_V8_FLAGS.join(' ')}`;
