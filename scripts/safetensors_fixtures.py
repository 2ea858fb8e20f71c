#!/usr/bin/env python3
"""Safetensors interop fixtures between PyTorch and erlangen, both ways.

The Python ``safetensors`` package is not available where these fixtures are made (only Debian's
``python3-torch``), so this script carries its own small writer and reader, written from the format
description (8-byte little-endian header length N; N bytes of UTF-8 JSON starting with '{', padded
with spaces to a multiple of 8; then the little-endian, row-major data buffer, fully covered by the
tensors' ``data_offsets``). If ``safetensors`` happens to be importable, ``check`` also reads the file
with it and compares.

Usage (from the repository root, with the Debian python)::

    /usr/bin/python3 scripts/safetensors_fixtures.py write [OUT_DIR]
        writes OUT_DIR/torch-written.safetensors and OUT_DIR/torch-written.json (the expected values)
        from torch tensors (default OUT_DIR: test/fixtures/safetensors)

    /usr/bin/python3 scripts/safetensors_fixtures.py check FILE SIDECAR
        reads FILE (e.g. test/fixtures/safetensors/erlangen-written.safetensors) with the reader
        below into torch tensors and compares every value bit for bit, every shape, dtype and the
        metadata with SIDECAR; checks the layout rules; prints 'OK ...' and exits 0, or exits 1

Sidecar format (JSON)::

    {"metadata": {str: str}, "order": [names in data order],
     "tensors": {name: {"dtype": "F32"|"F64"|"I32", "shape": [...], "data": [flat values]}}}

where a value JSON cannot hold is a string: "NaN", "Infinity", "-Infinity", "-0".
"""
import json
import struct
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "test" / "fixtures" / "safetensors"

# The format's dtypes in increasing alignment order (the writer sorts by this, descending).
DTYPE_ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
               "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
               "F64", "I64", "U64"]
TORCH = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "F16": torch.float16, "BF16": torch.bfloat16,
         "I64": torch.int64, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "BOOL": torch.bool}
ITEM = {"F32": 4, "F64": 8, "I32": 4, "F16": 2, "BF16": 2, "I64": 8, "U8": 1, "I8": 1, "I16": 2, "BOOL": 1}
BITS_VIEW = {"F32": torch.int32, "F64": torch.int64, "I32": torch.int32, "F16": torch.int16, "BF16": torch.int16,
             "I64": torch.int64, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "BOOL": torch.uint8}
NUMPY_LE = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "F16": "<f2", "I64": "<i8", "U8": "u1", "I8": "i1", "I16": "<i2",
            "BOOL": "u1"}


def st_dtype(t):
    for k, v in TORCH.items():
        if t.dtype == v:
            return k
    raise ValueError(f"unsupported dtype {t.dtype}")


def to_le_bytes(t, dtype):
    """The tensor's exact bits, little-endian, row-major (NaN payloads and -0 kept)."""
    if dtype == "BF16":  # numpy has no bfloat16: write the 16-bit patterns
        return t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
    return t.contiguous().numpy().astype(NUMPY_LE[dtype]).tobytes()


def write_safetensors(path, tensors, metadata):
    """An independent writer: the reference layout (dtype alignment descending, then name bytes)."""
    items = sorted(tensors.items(),
                   key=lambda kv: (-DTYPE_ORDER.index(st_dtype(kv[1])), kv[0].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata, key=lambda s: s.encode("utf-8"))}
    blobs, offset = [], 0
    for name, t in items:
        dt = st_dtype(t)
        b = to_le_bytes(t, dt)
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    return [name for name, _ in items]


class FormatError(Exception):
    pass


def _no_dups(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise FormatError(f"duplicate key {k!r}")
        d[k] = v
    return d


def read_safetensors(path):
    """An independent reader: checks the layout rules, returns (tensors, metadata, order, header)."""
    raw = Path(path).read_bytes()
    if len(raw) < 8:
        raise FormatError("shorter than 8 bytes")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > 100_000_000 or 8 + n > len(raw):
        raise FormatError(f"bad header length {n}")
    text = raw[8:8 + n].decode("utf-8")
    if not text.startswith("{"):
        raise FormatError("header does not start with '{'")
    if n % 8 != 0:
        raise FormatError(f"header length {n} is not a multiple of 8 (the reference writer pads)")
    header = json.loads(text, object_pairs_hook=_no_dups)
    metadata = header.pop("__metadata__", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise FormatError("metadata is not string -> string")
    if any(not isinstance(v, dict) or not {"dtype", "shape", "data_offsets"} <= set(v) for v in header.values()):
        raise FormatError("a tensor entry lacks dtype, shape or data_offsets")
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    data = raw[8 + n:]
    pos, tensors, order = 0, {}, []
    for name, info in entries:
        dt, shape, (b, e) = info["dtype"], info["shape"], info["data_offsets"]
        if dt not in TORCH:
            raise FormatError(f"{name}: dtype {dt} not handled by this checker")
        count = 1
        for d in shape:
            count *= d
        if b != pos or e - b != count * ITEM[dt]:
            raise FormatError(f"{name}: offsets {[b, e]} do not follow at {pos} with {count * ITEM[dt]} bytes")
        pos = e
        buf = bytearray(data[b:e])  # a writable copy for frombuffer
        t = torch.frombuffer(buf, dtype=TORCH[dt]) if count else torch.empty(0, dtype=TORCH[dt])
        # (frombuffer reads the host's byte order; every platform torch runs on here is little-endian)
        tensors[name] = t.reshape(shape).clone()
        order.append(name)
    if pos != len(data):
        raise FormatError(f"data buffer has {len(data)} bytes, tensors cover {pos}")
    return tensors, metadata, order, header


def _num(v):
    if isinstance(v, str):
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"), "-0": -0.0}[v]
    return v


def _enc(v):
    if isinstance(v, float):
        if v != v:
            return "NaN"
        if v in (float("inf"), float("-inf")):
            return "Infinity" if v > 0 else "-Infinity"
        if v == 0.0 and str(v).startswith("-"):
            return "-0"
    return v


def same_bits(a, b, dt):
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.numel() == 0:
        return True
    return bool(torch.equal(a.reshape(-1).view(BITS_VIEW[dt]), b.reshape(-1).view(BITS_VIEW[dt])))


def check(path, sidecar_path):
    side = json.loads(Path(sidecar_path).read_text(encoding="utf-8"))
    tensors, metadata, order, header = read_safetensors(path)
    problems = []
    if metadata != side["metadata"]:
        problems.append(f"metadata differs: {metadata!r} != {side['metadata']!r}")
    if order != side["order"]:
        problems.append(f"data order {order} != expected {side['order']}")
    if set(tensors) != set(side["tensors"]):
        problems.append(f"names {sorted(tensors)} != {sorted(side['tensors'])}")
    # the reference writer's order: dtype alignment descending, then name bytes
    want = sorted(order, key=lambda k: (-DTYPE_ORDER.index(header[k]["dtype"]), k.encode("utf-8")))
    if order != want:
        problems.append(f"tensors not in the reference writer's order: {order} != {want}")
    for name, exp in side["tensors"].items():
        if name not in tensors:
            continue
        dt = exp["dtype"]
        if header[name]["dtype"] != dt:
            problems.append(f"{name}: dtype {header[name]['dtype']} != {dt}")
            continue
        expected = torch.tensor([_num(x) for x in exp["data"]], dtype=TORCH[dt]).reshape(exp["shape"])
        # (a NaN is compared by its bits: torch's default NaN, as in the files written here)
        if not same_bits(tensors[name], expected, dt):
            problems.append(f"{name}: values differ: {tensors[name].tolist()} != {expected.tolist()}")
    try:
        import safetensors.torch as st  # noqa: F401  (not installable from Debian; used when present)
        ref = st.load_file(str(path))
        for name, t in ref.items():
            if not same_bits(t, tensors[name], header[name]["dtype"]):
                problems.append(f"{name}: safetensors package reads different values")
        used_pkg = "and the safetensors package"
    except ImportError:
        used_pkg = "(safetensors package not installed)"
    if problems:
        for p in problems:
            print("FAIL", p)
        return 1
    print(f"OK {path}: {len(tensors)} tensors, {len(metadata)} metadata keys match {sidecar_path} bit for bit "
          f"(torch {torch.__version__}, independent reader {used_pkg})")
    return 0


def write(out_dir):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    g = torch.Generator().manual_seed(20251202)
    tensors = {
        "encoder.weight": torch.randn(3, 4, generator=g, dtype=torch.float32),
        "encoder.bias": torch.randn(4, generator=g, dtype=torch.float32),
        "head.weight": torch.randn(2, 3, 2, generator=g, dtype=torch.float64),
        "counts": torch.tensor([-2**31, 2**31 - 1, 0, -1, 7], dtype=torch.int32),
        "scalar": torch.tensor(0.1, dtype=torch.float32),
        "scalar64": torch.tensor(1 / 3, dtype=torch.float64),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "special": torch.tensor([-0.0, float("inf"), float("-inf"), float("nan"), 1e-45, 3.4028234663852886e38],
                                dtype=torch.float32),
        "special64": torch.tensor([-0.0, 5e-324, 1.7976931348623157e308, float("nan"), -1 / 3], dtype=torch.float64),
        "émbed": torch.randint(-5, 5, (2, 2), generator=g, dtype=torch.int32),
        "__proto__": torch.tensor([1.5, -2.5], dtype=torch.float32),
    }
    metadata = {"format": "pt", "source": f"torch {torch.__version__}", "note": 'unicode ✓, "quotes", a\nnewline'}
    if write_fixture(out_dir, "torch-written", tensors, metadata) != 0:
        return 1
    return write_widening(out_dir)


def write_fixture(out_dir, name, tensors, metadata):
    """Write NAME.safetensors and its JSON sidecar; the file must pass this script's own reader."""
    path = out_dir / f"{name}.safetensors"
    order = write_safetensors(path, tensors, metadata)
    side = {
        "metadata": metadata,
        "order": order,
        "tensors": {k: {"dtype": st_dtype(t), "shape": list(t.shape), "data": [_enc(x) for x in flat_values(t)]}
                    for k, t in tensors.items()},
    }
    (out_dir / f"{name}.json").write_text(json.dumps(side, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if check(path, out_dir / f"{name}.json") != 0:
        return 1
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def flat_values(t):
    v = t.reshape(-1)
    return [int(x) for x in v.tolist()] if t.dtype == torch.bool else v.tolist()


def write_widening(out_dir):
    """Dtypes erlangen widens on load: F16, BF16 -> float32; BOOL, U8, I8, I16, in-range I64 -> int32."""
    g = torch.Generator().manual_seed(7)
    tensors = {
        "half": torch.tensor([[1.0, -2.5, 65504.0], [2.0 ** -24, -0.0, float("inf")]], dtype=torch.float16),
        "half_nan": torch.tensor([float("nan")], dtype=torch.float16),
        "bf16": torch.cat([torch.randn(3, generator=g), torch.tensor([-0.0, 3e38, 1e-40])]).to(torch.bfloat16),
        "long": torch.tensor([-2**31, 2**31 - 1, 12345], dtype=torch.int64),
        "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
        "bytes": torch.tensor([0, 1, 128, 255], dtype=torch.uint8),
        "small": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "short": torch.tensor([-32768, 32767], dtype=torch.int16),
        "mask": torch.tensor([True, False, True]),
    }
    return write_fixture(out_dir, "torch-widening", tensors, {"format": "pt"})


def main(argv):
    if len(argv) >= 1 and argv[0] == "write":
        return write(argv[1] if len(argv) > 1 else DEFAULT_DIR)
    if len(argv) == 3 and argv[0] == "check":
        try:
            return check(argv[1], argv[2])
        except (FormatError, ValueError, KeyError, UnicodeDecodeError) as e:
            print("FAIL", type(e).__name__, e)
            return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
