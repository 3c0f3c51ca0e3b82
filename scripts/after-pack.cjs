// electron-builder afterPack hook: flips Electron's fuses on the packaged
// binary so the shipped app cannot be turned into a general Node runtime,
// cannot be driven by NODE_OPTIONS or --inspect, and loads only its own
// integrity-checked app.asar.
const path = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');

/** The fuse settings for every packaged MESH Desktop. Exported for the tests. */
const FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: false,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** The packaged Electron executable for a platform, as electron-builder lays it out. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    default:
      return path.join(appOutDir, packager.executableName);
  }
}

async function afterPack(context, flip = flipFuses) {
  const binary = electronBinaryPath(context);
  // The ad-hoc signature must be reset on macOS after the binary changes.
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flip(binary, { ...FUSES, resetAdHocDarwinSignature: isMac && process.arch === 'arm64' });
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.FUSES = FUSES;
module.exports.electronBinaryPath = electronBinaryPath;
