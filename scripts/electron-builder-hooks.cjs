// electron-builder's beforePack hook: the Electron build of better-sqlite3 for the platform and
// architecture being packaged, into native/ (scripts/electron-native.mjs), before the app's files
// are collected. (A beforeBuild hook would not do: it runs only with npmRebuild on, and returning
// false from it also stops electron-builder from packing node_modules.)
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { Arch } = require('builder-util');

module.exports = async function beforePack(context) {
  const { ensureElectronNative } = await import(pathToFileURL(path.join(__dirname, 'electron-native.mjs')).href);
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = Arch[context.arch];
  const result = await ensureElectronNative({ root: context.packager.info.appDir, platform, arch });
  if (!result.ok) throw new Error(`Cannot package for ${platform}-${arch}: ${result.reason}`);
};
