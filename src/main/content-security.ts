/**
 * The page's Content-Security-Policy, sent as a header with every response of our schemes (the
 * meta tag in index.html says the same; a header also covers what a meta tag cannot, such as
 * frame-ancestors). 'wasm-unsafe-eval' lets MediaPipe Tasks (the Capture view) compile its wasm; no
 * script eval. Media responses get a policy that runs nothing.
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: gstudio-media:; media-src 'self' blob: gstudio-media:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
export const MEDIA_CSP = "default-src 'none'; sandbox";

export const appHeaders = (contentType: string): Record<string, string> => ({
  'Content-Type': contentType,
  'Content-Security-Policy': APP_CSP,
  'X-Content-Type-Options': 'nosniff',
});
