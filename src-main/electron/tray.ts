// The tray icon and its menu, rebuilt from the pure TrayModel when the snapshot changes.
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayItem, TrayModel, TrayIconName } from './tray-model';

export function toMenuTemplate(items: readonly TrayItem[], onAction: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: item.label, enabled: item.enabled, submenu: toMenuTemplate(item.items, onAction) };
      case 'radio':
        return { type: 'radio', label: item.label, checked: item.checked, enabled: item.enabled, click: () => onAction(item.action) };
      default:
        return { label: item.label, enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

export interface TrayLike {
  setImage(image: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayControllerDeps {
  tray: TrayLike;
  buildMenu(template: MenuItemConstructorOptions[]): unknown;
  iconPath(name: TrayIconName): string;
  onAction(action: TrayAction): void;
}

export function createTrayController(deps: TrayControllerDeps): { render(model: TrayModel): void; dispose(): void } {
  let lastKey = '';
  let lastIcon: TrayIconName | undefined;
  deps.tray.on('click', () => deps.onAction({ kind: 'show' }));
  return {
    render(model) {
      // Snapshots arrive on every stats tick; only rebuild the native menu when it changed.
      const key = JSON.stringify(model);
      if (key === lastKey) return;
      lastKey = key;
      if (model.icon !== lastIcon) {
        deps.tray.setImage(deps.iconPath(model.icon));
        lastIcon = model.icon;
      }
      deps.tray.setToolTip(model.tooltip);
      deps.tray.setContextMenu(deps.buildMenu(toMenuTemplate(model.items, deps.onAction)));
    },
    dispose: () => deps.tray.destroy(),
  };
}
