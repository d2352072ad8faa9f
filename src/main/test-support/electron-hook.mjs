// Node module hook (module.register): `import ... from 'electron'` gets the stand-in, because the
// real package would try to download Electron's binary, which cannot run here anyway.
const standIn = new URL('./electron-stand-in.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: standIn, shortCircuit: true };
  return next(specifier, context);
}
