import { isDataset, isGroup, type H5Group } from './hdf5-module';

type AttrHolder = { attrs: Record<string, { value: unknown; shape: number[] | null; dtype: unknown }>; create_attribute: H5Group['create_attribute'] };

export function copyAttrs(from: AttrHolder, to: AttrHolder, skip: ReadonlySet<string> = new Set()): void {
  for (const [name, attr] of Object.entries(from.attrs)) {
    if (skip.has(name)) continue;
    const value = attr.value as Parameters<H5Group['create_attribute']>[1];
    if (typeof value === 'string' || typeof value === 'number') to.create_attribute(name, value);
    else to.create_attribute(name, value, attr.shape, attr.dtype as never);
  }
}

/**
 * Copies a group's datasets, sub-groups and attributes into another group, leaving out the paths
 * (relative to `from`) that `skip` names. Used to rebuild a file without the clips being replaced:
 * h5wasm cannot delete links, and rebuilding also gives the freed space back.
 */
export function copyTree(from: H5Group, to: H5Group, skip: (relPath: string) => boolean, prefix = ''): void {
  copyAttrs(from as unknown as AttrHolder, to as unknown as AttrHolder);
  for (const key of from.keys()) {
    const rel = prefix ? `${prefix}/${key}` : key;
    if (skip(rel)) continue;
    const child = from.get(key);
    if (isGroup(child)) copyTree(child, to.create_group(key), skip, rel);
    else if (isDataset(child)) {
      const value = child.value as never;
      const shape = child.shape ?? [];
      const ds = to.create_dataset({ name: key, data: value, shape, dtype: child.dtype });
      copyAttrs(child as unknown as AttrHolder, ds as unknown as AttrHolder);
    }
  }
}
