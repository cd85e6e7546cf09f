#!/bin/sh
# Per-user install of the frozen Fieldbook on Linux: no root, nothing outside $HOME.
#
#   packaging/install-linux.sh [DIST_FOLDER]     # default: dist/Fieldbook (from `make dist`)
#   packaging/install-linux.sh --uninstall
#
# Installs the app to ~/.local/opt/fieldbook, a menu entry (~/.local/share/applications), the icon
# (~/.local/share/icons/hicolor) and the command `fieldbook` (~/.local/bin). A re-install replaces
# the app in one rename. Uninstalling removes exactly these; your data (~/.local/share/Fieldbook)
# is never touched.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=$HOME/.local/opt/fieldbook
bin_link=$HOME/.local/bin/fieldbook
desktop_file=$data_home/applications/fieldbook.desktop
icon_file=$data_home/icons/hicolor/512x512/apps/fieldbook.png

refresh_menus() {
  # Desktop environments notice new entries by themselves; these only speed it up when present.
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data_home/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data_home/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$app_dir"
  rm -f "$bin_link" "$desktop_file" "$icon_file"
  refresh_menus
  echo "Fieldbook was removed. Your data in $data_home/Fieldbook was kept."
  exit 0
fi

dist=${1:-$here/../dist/Fieldbook}
if [ ! -x "$dist/Fieldbook" ]; then
  echo "No Fieldbook build in $dist: run 'make dist' first, or give the folder holding Fieldbook." >&2
  exit 2
fi

mkdir -p "$(dirname "$app_dir")" "$(dirname "$bin_link")" "$(dirname "$desktop_file")" "$(dirname "$icon_file")"
staging=$app_dir.new.$$
rm -rf "$staging"
cp -R "$dist" "$staging"
rm -rf "$app_dir.old"
[ -d "$app_dir" ] && mv "$app_dir" "$app_dir.old"
mv "$staging" "$app_dir"
rm -rf "$app_dir.old"

ln -sf "$app_dir/Fieldbook" "$bin_link"
cp "$here/fieldbook.png" "$icon_file"
# Exec gets the absolute path, quoted: a home folder may contain spaces.
sed "s|@EXEC@|\"$app_dir/Fieldbook\"|" "$here/fieldbook.desktop" > "$desktop_file"
chmod 0644 "$desktop_file" "$icon_file"
refresh_menus

version=$("$app_dir/Fieldbook" --version)
echo "$version installed in $app_dir."
echo "Start it from the applications menu, or run 'fieldbook' (in $(dirname "$bin_link"))."
