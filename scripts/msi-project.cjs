// electron-builder's msiProjectCreated hook (electron-builder.yml): adds to the
// generated WiX project what its template has no option for. `msiexec /i
// mesh-desktop-….msi /qn ADDTOPATH=1` puts <install folder>\bin, which holds
// mesh-desktop.cmd and no .exe, on the machine's PATH; without the property
// PATH is left alone. Removing the product takes the entry out again. Pass the
// property again on upgrades: Windows Installer does not remember it.
const { readFile, writeFile } = require('node:fs/promises');

// Fixed forever, like the upgrade code: Windows Installer tracks the component by it.
const PATH_COMPONENT_GUID = '{3B8F1C52-7A0D-4E6B-9F21-5C4D8E7A1B60}';

/** The WiX project text with the ADDTOPATH property and its component added. */
function addPathOption(wxs) {
  const property = '<Property Id="ADDTOPATH" Secure="yes"/>';
  const component = [
    `<Component Id="MeshDesktopCommandLineOnPath" Guid="${PATH_COMPONENT_GUID}" Directory="APPLICATIONFOLDER">`,
    '  <Condition>ADDTOPATH = "1"</Condition>',
    '  <RegistryValue Root="HKLM" Key="Software\\MESH Desktop" Name="AddedToPath" Type="integer" Value="1" KeyPath="yes"/>',
    '  <Environment Id="MeshDesktopBinOnPath" Name="PATH" Value="[APPLICATIONFOLDER]bin" Action="set" Part="last" System="yes" Permanent="no"/>',
    '</Component>',
  ].join('\n      ');
  const groupOpen = /<ComponentGroup Id="ProductComponents"[^>]*>/;
  const marker = '<Property Id="WIXUI_INSTALLDIR"';
  if (!groupOpen.test(wxs) || !wxs.includes(marker)) {
    throw new Error('The WiX project electron-builder wrote has changed shape: scripts/msi-project.cjs must be updated.');
  }
  return wxs.replace(marker, `${property}\n    ${marker}`).replace(groupOpen, (open) => `${open}\n      ${component}`);
}

module.exports = async function msiProjectCreated(projectFile) {
  await writeFile(projectFile, addPathOption(await readFile(projectFile, 'utf8')));
};
module.exports.addPathOption = addPathOption;
