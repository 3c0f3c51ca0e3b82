import { Menu, shell, type MenuItemConstructorOptions } from 'electron';

const GUIDANCE = 'https://digital.nhs.uk/services/message-exchange-for-social-care-and-health-mesh/mesh-guidance-hub';

/** The application menu: the standard roles plus help that points to NHS guidance. */
export function buildAppMenu(isMac: boolean, showDevTools: boolean): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(showDevTools ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'MESH guidance from NHS England', click: () => void shell.openExternal(GUIDANCE) }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
