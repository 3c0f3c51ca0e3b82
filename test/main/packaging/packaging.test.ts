// The installer configuration cannot be built here (the Electron zips and the
// NSIS, WiX and AppImage tools need the network), so it is checked the ways
// that can run: against electron-builder's own schema, setting by setting, and
// by packing the Linux `dir` target to inspect what goes into app.asar.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import yaml from 'js-yaml';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..', '..', '..');
// electron-builder's own (large) configuration shape; the schema test below is what checks it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, debugLogger: { add(key: string, value: unknown): void }): Promise<void>;
};
const afterPack = require(join(root, 'scripts/after-pack.cjs')) as {
  (context: unknown, flip: (path: string, fuses: Record<string, unknown>) => Promise<number>): Promise<void>;
  FUSES: Record<string, unknown>;
};
const msiProject = require(join(root, 'scripts/msi-project.cjs')) as { addPathOption(wxs: string): string };
const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
const debugLogger = { add() {} };

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema (app-builder-lib scheme.json)", async () => {
    await expect(validateConfiguration(config, debugLogger)).resolves.toBeUndefined();
  });

  it('is really validated: a misspelled option is refused', async () => {
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, oneClik: false } }, debugLogger)).rejects.toThrow(
      /Invalid configuration object[\s\S]*configuration\.nsis/,
    );
  });

  it('builds an assisted NSIS installer with a per-machine choice, and a per-machine MSI with a fixed upgrade code', () => {
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowElevation: true });
    expect(config.msi).toMatchObject({ perMachine: true });
    expect(config.msi.upgradeCode).toBe('6F1A2C3D-8B4E-4F5A-9C6D-0E1F2A3B4C5D');
  });

  it('targets AppImage and deb on Linux and dmg on macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
  });

  it('packs into asar, leaves native modules unpacked, rebuilds nothing, publishes no update feed', () => {
    expect(config).toMatchObject({
      asar: true,
      npmRebuild: false,
      publish: null,
      appId: 'uk.nhs.meshdesktop',
      productName: 'MESH Desktop',
    });
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.version).toBeUndefined(); // taken from package.json
  });

  it('points at icons that exist and were generated from the vector source', () => {
    for (const file of [config.win.icon, config.nsis.installerIcon, config.mac.icon, 'resources/icon.svg', 'resources/icons/256x256.png']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });
});

describe('the afterPack fuses', () => {
  it('turn off running as Node, NODE_OPTIONS and inspect, and load only an integrity-checked app.asar', () => {
    expect(afterPack.FUSES).toMatchObject({
      [FuseV1Options.RunAsNode!]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable!]: false,
      [FuseV1Options.EnableNodeCliInspectArguments!]: false,
      [FuseV1Options.OnlyLoadAppFromAsar!]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]: true,
      [FuseV1Options.EnableCookieEncryption!]: true,
    });
  });

  it.each([
    ['win32', 'C:/out/MESH Desktop.exe'],
    ['linux', 'C:/out/mesh-desktop'],
    ['darwin', 'C:/out/MESH Desktop.app'],
  ])('flip the packaged %s binary', async (platform, expected) => {
    const calls: [string, Record<string, unknown>][] = [];
    await afterPack(
      {
        appOutDir: 'C:/out',
        electronPlatformName: platform,
        packager: { appInfo: { productFilename: 'MESH Desktop' }, executableName: 'mesh-desktop' },
      },
      async (path, fuses) => {
        calls.push([path, fuses]);
        return 1;
      },
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]![0].replace(/\\/g, '/')).toBe(expected);
    expect(calls[0]![1]).toMatchObject(afterPack.FUSES);
  });
});

describe('the Windows installers’ PATH option', () => {
  it('adds ADDTOPATH to the MSI: bin\\ on the machine PATH only when the property is 1, taken out on removal', () => {
    const template = readFileSync(join(root, 'node_modules/app-builder-lib/templates/msi/template.xml'), 'utf8');
    const wxs = msiProject.addPathOption(template);
    expect(wxs).toContain('<Property Id="ADDTOPATH" Secure="yes"/>');
    const component = /<Component Id="MeshDesktopCommandLineOnPath"[\s\S]*?<\/Component>/.exec(wxs)?.[0];
    expect(component).toContain('<Condition>ADDTOPATH = "1"</Condition>');
    expect(component).toContain('Value="[APPLICATIONFOLDER]bin" Action="set" Part="last" System="yes" Permanent="no"');
    // Inside the product's own component group, so installing and removing the product does both.
    expect(wxs.indexOf('MeshDesktopCommandLineOnPath')).toBeGreaterThan(wxs.indexOf('<ComponentGroup Id="ProductComponents"'));
    expect(() => msiProject.addPathOption('<Wix/>')).toThrow(/changed shape/);
  });

  it('gives NSIS an /ADDTOPATH switch, for the machine PATH per machine and the account’s per user, undone on uninstall', () => {
    expect(config.nsis.include).toBe('resources/windows/installer.nsh');
    const nsh = readFileSync(join(root, config.nsis.include), 'utf8');
    expect(nsh).toMatch(/!macro customInstall[\s\S]*\$\{GetOptions\} \$R0 "\/ADDTOPATH"[\s\S]*!macroend/);
    expect(nsh).toMatch(/\$installMode == "all"[\s\S]*MESH_MACHINE_ENV/);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*WordReplace[\s\S]*!macroend/);
    expect(config.msiProjectCreated).toBe('scripts/msi-project.cjs');
  });
});

describe('the packed app', () => {
  it('holds the built app and its runtime dependencies, and no sources, tests or maps', () => {
    // Needs `npm run build` first, which `npm test` does before the unit tests.
    const run = spawnSync(process.execPath, [join(root, 'scripts/package-check.mjs')], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/Packed file list is clean/);
    expect(run.stdout).toContain('/out/main/electron.mjs');
    // The main-process entries import shared chunks; a pattern that missed them would pack an app that cannot start.
    expect(run.stdout).toMatch(/\/out\/main\/chunks\/[^/\s]+\.mjs/);
    expect(run.stdout).not.toMatch(/\.map\b|\.ts\b/);
    // The Group Policy templates ship in the installed app's resources folder.
    expect(run.stdout).toContain('resources/policy/mesh-desktop.admx');
    expect(run.stdout).toContain('resources/policy/en-GB/mesh-desktop.adml');
    // What the docs promise an installed app has: the command line's bundle, the keychain's native module
    // outside app.asar, the command itself on Linux, and the Windows wrappers.
    expect(run.stdout).toContain('/out/main/cli.mjs');
    expect(run.stdout).toContain('resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node');
    expect(run.stdout).toContain('mesh-desktop (the command: /usr/bin/mesh-desktop in the deb)');
    expect(run.stdout).toContain('Windows install folder: mesh-desktop.cmd');
    expect(run.stdout).toContain('Windows install folder: bin/mesh-desktop.cmd');
  }, 120_000);

  it('fails, naming them, when the Windows wrappers would be missing', () => {
    const variant = join(mkdtempSync(join(tmpdir(), 'package-variant-')), 'electron-builder.yml');
    writeFileSync(variant, yaml.dump({ ...config, win: { ...config.win, extraFiles: [] } }));
    const run = spawnSync(process.execPath, [join(root, 'scripts/package-check.mjs'), '--config', variant], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Windows: mesh-desktop.cmd');
    expect(run.stderr).toContain('Windows: bin/mesh-desktop.cmd');
  }, 120_000);
});
