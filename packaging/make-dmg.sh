#!/bin/sh
# The macOS disk image: dist/Fieldbook-<version>.dmg holding Fieldbook.app and a link to
# /Applications (drag to install). Runs on macOS only (hdiutil); build the bundle first:
#
#   make dist                      # on macOS, build.spec's BUNDLE writes dist/Fieldbook.app
#   packaging/make-dmg.sh
#
# With FIELDBOOK_CODESIGN_IDENTITY set ("Developer ID Application: …") the app is signed first;
# notarisation (xcrun notarytool) needs an Apple account and is left to the release machine.
set -eu

if [ "$(uname -s)" != "Darwin" ]; then
  echo "make-dmg.sh builds a macOS disk image and runs on macOS only (it needs hdiutil)." >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
app=$root/dist/Fieldbook.app
[ -d "$app" ] || { echo "No $app: run 'make dist' on macOS first." >&2; exit 2; }
version=$("$app/Contents/MacOS/Fieldbook" --version | awk '{print $2}')

if [ -n "${FIELDBOOK_CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --sign "$FIELDBOOK_CODESIGN_IDENTITY" "$app"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
out=$root/dist/Fieldbook-$version.dmg
rm -f "$out"
hdiutil create -volname "Fieldbook $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$out"
echo "wrote $out"
