import { Builder, ByteBuffer } from 'flatbuffers';

/**
 * Adds the minimal TFLite model metadata MediaPipe Tasks needs to an image model that has none: one
 * input tensor that is an RGB image normalised as (x - mean) / std. The @mediapipe/hands models carry
 * no metadata, and Tasks refuses a float32 input without NormalizationOptions.
 *
 * The metadata itself is a ModelMetadata flatbuffer (metadata_schema.fbs, identifier M001) built with
 * the flatbuffers Builder. It goes into the model as one more Buffer plus a Metadata entry named
 * TFLITE_METADATA. Rather than re-serialising the whole model, a new root Model table is written in
 * front of the old bytes: flatbuffer offsets only point forward, so the new table's fields point at
 * the old subgraphs, operator codes and buffers unchanged, and the old root is simply no longer used.
 */
export interface ImageNormalization {
  mean: number;
  std: number;
}

// metadata_schema.fbs: union ContentProperties { FeatureProperties = 1, ImageProperties = 2, ... }
const CONTENT_IMAGE = 2;
// union ProcessUnitOptions { NormalizationOptions = 1, ... }
const OPTIONS_NORMALIZATION = 1;
// enum ColorSpaceType { UNKNOWN, RGB, GRAYSCALE }
const COLOR_RGB = 1;

/** The ModelMetadata flatbuffer for a model whose one input is an RGB image. */
export function imageModelMetadata(name: string, norm: ImageNormalization): Uint8Array {
  const b = new Builder(256);
  const floats = (v: number[]) => {
    b.startVector(4, v.length, 4);
    for (let i = v.length - 1; i >= 0; i--) b.addFloat32(v[i]);
    return b.endVector();
  };
  const vectorOf = (offsets: number[]) => {
    b.startVector(4, offsets.length, 4);
    for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
    return b.endVector();
  };
  // NormalizationOptions { mean:[float]; std:[float] }
  const mean = floats([norm.mean]);
  const std = floats([norm.std]);
  b.startObject(2);
  b.addFieldOffset(0, mean, 0);
  b.addFieldOffset(1, std, 0);
  const normalization = b.endObject();
  // ProcessUnit { options: ProcessUnitOptions (type slot 0, value slot 1) }
  b.startObject(2);
  b.addFieldInt8(0, OPTIONS_NORMALIZATION, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  // ImageProperties { color_space; default_size }
  b.startObject(2);
  b.addFieldInt8(0, COLOR_RGB, 0);
  const image = b.endObject();
  // Content { content_properties (type slot 0, value slot 1); range }
  b.startObject(3);
  b.addFieldInt8(0, CONTENT_IMAGE, 0);
  b.addFieldOffset(1, image, 0);
  const content = b.endObject();
  // TensorMetadata { name; description; dimension_names; content; process_units; stats; associated_files }
  const tensorName = b.createString('image');
  const units = vectorOf([processUnit]);
  b.startObject(7);
  b.addFieldOffset(0, tensorName, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, units, 0);
  const tensor = b.endObject();
  // SubGraphMetadata { name; description; input_tensor_metadata; ... }
  const inputs = vectorOf([tensor]);
  b.startObject(10);
  b.addFieldOffset(2, inputs, 0);
  const subgraph = b.endObject();
  // ModelMetadata { name; description; version; subgraph_metadata; author; license; associated_files; min_parser_version }
  const modelName = b.createString(name);
  const subgraphs = vectorOf([subgraph]);
  const minParser = b.createString('1.0.0');
  b.startObject(8);
  b.addFieldOffset(0, modelName, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(7, minParser, 0);
  b.finish(b.endObject(), 'M001');
  return b.asUint8Array().slice();
}

// schema.fbs: table Model { version; operator_codes; subgraphs; description; buffers; metadata_buffer; metadata; signature_defs }
const MODEL_FIELDS = 8;
const F_BUFFERS = 4;
const F_METADATA = 6;

class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(at: number, v: number) {
    this.view.setUint16(at, v, true);
  }
  u32(at: number, v: number) {
    this.view.setUint32(at, v, true);
  }
  i32(at: number, v: number) {
    this.view.setInt32(at, v, true);
  }
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/** The model's metadata names (Metadata.name), e.g. to see whether TFLITE_METADATA is there. */
export function tfliteMetadataNames(model: Uint8Array): string[] {
  const bb = new ByteBuffer(model);
  const root = bb.readUint32(0);
  const o = bb.__offset(root, 4 + 2 * F_METADATA);
  if (!o) return [];
  const vec = bb.__vector(root + o);
  const names: string[] = [];
  for (let i = 0; i < bb.__vector_len(root + o); i++) {
    const entry = bb.__indirect(vec + 4 * i);
    const no = bb.__offset(entry, 4);
    names.push(no ? (bb.__string(entry + no) as string) : '');
  }
  return names;
}

/** A copy of a .tflite model with `metadata` added as its TFLITE_METADATA buffer. */
export function withTfliteMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const bb = new ByteBuffer(model);
  if (bb.getBufferIdentifier() !== 'TFL3') throw new Error('Not a TFLite model (no TFL3 identifier)');
  if (tfliteMetadataNames(model).includes('TFLITE_METADATA')) throw new Error('The model already has TFLITE_METADATA');
  const root = bb.readUint32(0);
  // Absolute positions (in the old model) of what each present field points at; version is a scalar.
  const fieldPos = (i: number) => {
    const o = bb.__offset(root, 4 + 2 * i);
    return o ? root + o : 0;
  };
  const target = (i: number) => {
    const p = fieldPos(i);
    return p ? p + bb.readUint32(p) : 0;
  };
  const version = fieldPos(0) ? bb.readUint32(fieldPos(0)) : 3;
  const oldBuffers = target(F_BUFFERS);
  const nBuffers = oldBuffers ? bb.readUint32(oldBuffers) : 0;
  const oldMeta = target(F_METADATA);
  const nMeta = oldMeta ? bb.readUint32(oldMeta) : 0;

  // Layout of the new prefix.
  const vtable = 8; // after the root offset and the TFL3 identifier
  const vtSize = 4 + 2 * MODEL_FIELDS;
  const table = align(vtable + vtSize, 4);
  const tableSize = 4 + 4 * MODEL_FIELDS;
  const buffersVec = table + tableSize;
  const metaVec = buffersVec + 4 + 4 * (nBuffers + 1);
  // Metadata table { name:string; buffer:uint } with its vtable
  const metaVt = metaVec + 4 + 4 * (nMeta + 1);
  const metaTable = metaVt + 8;
  const name = 'TFLITE_METADATA';
  const nameStr = metaTable + 12;
  // Buffer table { data:[ubyte] (force_align 16) }
  const bufVt = align(nameStr + 4 + name.length + 1, 2);
  const bufTable = align(bufVt + 6, 4);
  const dataLen = align(bufTable + 8, 16) + 12; // length word sits 4 bytes before 16-aligned data
  const data = dataLen + 4;
  const prefix = align(data + metadata.length, 16);
  const shift = prefix; // old offset o is at shift + o in the new file: a multiple of 16 keeps alignment
  const w = new Writer(prefix + model.length);

  w.u32(0, table);
  w.bytes.set(model.subarray(4, 8), 4);
  // Model vtable and table
  w.u16(vtable, vtSize);
  w.u16(vtable + 2, tableSize);
  w.i32(table, table - vtable);
  for (let i = 0; i < MODEL_FIELDS; i++) {
    const at = table + 4 + 4 * i;
    if (i === 0) w.u32(at, version);
    else if (i === F_BUFFERS) w.u32(at, buffersVec - at);
    else if (i === F_METADATA) w.u32(at, metaVec - at);
    else if (target(i)) w.u32(at, shift + target(i) - at);
    else continue; // absent in the old model: absent here too
    w.u16(vtable + 4 + 2 * i, at - table);
  }
  // buffers: the old ones, then ours (index nBuffers)
  w.u32(buffersVec, nBuffers + 1);
  for (let k = 0; k < nBuffers; k++) {
    const at = buffersVec + 4 + 4 * k;
    const old = oldBuffers + 4 + 4 * k;
    w.u32(at, shift + old + bb.readUint32(old) - at);
  }
  const ourBufferSlot = buffersVec + 4 + 4 * nBuffers;
  w.u32(ourBufferSlot, bufTable - ourBufferSlot);
  // metadata: the old entries, then TFLITE_METADATA
  w.u32(metaVec, nMeta + 1);
  for (let k = 0; k < nMeta; k++) {
    const at = metaVec + 4 + 4 * k;
    const old = oldMeta + 4 + 4 * k;
    w.u32(at, shift + old + bb.readUint32(old) - at);
  }
  const ourMetaSlot = metaVec + 4 + 4 * nMeta;
  w.u32(ourMetaSlot, metaTable - ourMetaSlot);
  w.u16(metaVt, 8);
  w.u16(metaVt + 2, 12);
  w.u16(metaVt + 4, 4);
  w.u16(metaVt + 6, 8);
  w.i32(metaTable, metaTable - metaVt);
  w.u32(metaTable + 4, nameStr - (metaTable + 4));
  w.u32(metaTable + 8, nBuffers);
  w.u32(nameStr, name.length);
  w.bytes.set(new TextEncoder().encode(name), nameStr + 4);
  w.u16(bufVt, 6);
  w.u16(bufVt + 2, 8);
  w.u16(bufVt + 4, 4);
  w.i32(bufTable, bufTable - bufVt);
  w.u32(bufTable + 4, dataLen - (bufTable + 4));
  w.u32(dataLen, metadata.length);
  w.bytes.set(metadata, data);
  w.bytes.set(model, shift);
  return w.bytes;
}

/** The TFLITE_METADATA buffer's bytes, or null: to check what was written. */
export function readTfliteMetadata(model: Uint8Array): Uint8Array | null {
  const bb = new ByteBuffer(model);
  const root = bb.readUint32(0);
  const names = tfliteMetadataNames(model);
  const k = names.indexOf('TFLITE_METADATA');
  if (k < 0) return null;
  const mo = bb.__offset(root, 4 + 2 * F_METADATA);
  const entry = bb.__indirect(bb.__vector(root + mo) + 4 * k);
  const bufferIndex = bb.readUint32(entry + bb.__offset(entry, 6));
  const bo = bb.__offset(root, 4 + 2 * F_BUFFERS);
  const buf = bb.__indirect(bb.__vector(root + bo) + 4 * bufferIndex);
  const d = bb.__offset(buf, 4);
  if (!d) return null;
  const start = bb.__vector(buf + d);
  return model.subarray(start, start + bb.__vector_len(buf + d));
}
