/** The settings keys whose values are not all the same across the runs (a key missing in one counts as differing). */
export function settingsThatDiffer(settings: Record<string, unknown>[]): string[] {
  const keys = [...new Set(settings.flatMap((s) => Object.keys(s)))].sort();
  return keys.filter((k) => new Set(settings.map((s) => JSON.stringify(s[k]))).size > 1);
}
