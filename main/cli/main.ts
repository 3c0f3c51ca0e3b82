// The `mesh-desktop` command line.
import { APP_VERSION } from '../shared/version';

const args = process.argv.slice(2);
if (args[0] === '--version' || args[0] === 'version') {
  process.stdout.write(`${APP_VERSION}\n`);
} else {
  process.stdout.write('mesh-desktop: commands are being added.\n');
}
