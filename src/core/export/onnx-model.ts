import { ProtoMessage } from './protobuf-writer';

/**
 * A small builder of ONNX graphs (onnx.proto3 field numbers): nodes, float/int64 initialisers,
 * float inputs and outputs with named (dynamic) or fixed dimensions.
 */
const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type Attr = number | string | number[] | { float: number };

function attribute(name: string, v: Attr): ProtoMessage {
  const a = new ProtoMessage().string(1, name);
  if (typeof v === 'string') return a.bytes(4, new TextEncoder().encode(v)).int(20, ATTR_STRING);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    return a.int(20, ATTR_INTS);
  }
  if (typeof v === 'object') return a.float(2, v.float).int(20, ATTR_FLOAT);
  return a.int(3, v).int(20, ATTR_INT);
}

function valueInfo(name: string, dims: (number | string)[]): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  const tensorType = new ProtoMessage().int(1, FLOAT).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export class OnnxGraph {
  private readonly graph = new ProtoMessage();
  private n = 0;

  constructor(name: string) {
    this.graph.string(2, name);
  }

  /** A float tensor constant. */
  floats(name: string, dims: number[], data: Float32Array): string {
    const t = new ProtoMessage();
    for (const d of dims) t.int(1, d);
    t.int(2, FLOAT).string(8, name).bytes(9, new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    this.graph.message(5, t);
    return name;
  }

  /** An int64 tensor constant (shapes, axes); `scalar` for a 0-D one (CumSum's axis). */
  int64s(name: string, values: number[], scalar = false): string {
    const t = new ProtoMessage();
    if (!scalar) t.int(1, values.length);
    t.int(2, INT64).string(8, name);
    const raw = new BigInt64Array(values.map((v) => BigInt(v)));
    t.bytes(9, new Uint8Array(raw.buffer));
    this.graph.message(5, t);
    return name;
  }

  /** Adds a node; returns its output names (generated unless given). */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => `${op.toLowerCase()}_${this.n}_${i}`);
    const node = new ProtoMessage();
    for (const i of inputs) node.string(1, i);
    for (const o of outs) node.string(2, o);
    node.string(3, `${op}_${this.n++}`).string(4, op);
    for (const [k, v] of Object.entries(attrs)) node.message(5, attribute(k, v));
    this.graph.message(1, node);
    return outs;
  }

  input(name: string, dims: (number | string)[]): string {
    this.graph.message(11, valueInfo(name, dims));
    return name;
  }

  /** Marks `from` as a graph output named `name` (through an Identity). */
  output(name: string, from: string, dims: (number | string)[]): void {
    const node = new ProtoMessage().string(1, from).string(2, name).string(3, `output_${name}`).string(4, 'Identity');
    this.graph.message(1, node);
    this.graph.message(12, valueInfo(name, dims));
  }

  /** The ModelProto (IR version 8, default opset 14). */
  encode(producer: string, opset = 14): Uint8Array {
    return new ProtoMessage().int(1, 8).string(2, producer).message(7, this.graph).message(8, new ProtoMessage().string(1, '').int(2, opset)).encode();
  }
}
