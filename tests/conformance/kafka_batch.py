"""Kafka v2 record batches (magic 2) in plain Python, independent of Spool's C++ codec:
the /batches tests build request bodies with encode() and check replies with decode().

Layout (big-endian): baseOffset i64, batchLength i32, partitionLeaderEpoch i32, magic i8,
crc u32 (CRC32C of attributes..end), attributes i16, lastOffsetDelta i32, baseTimestamp
i64, maxTimestamp i64, producerId i64, producerEpoch i16, baseSequence i32, recordCount
i32, then records with zig-zag varints.
"""

import struct

_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _TABLE.append(_c)


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _varint(v):
    z = (v << 1) ^ (v >> 63)
    z &= (1 << 64) - 1
    out = bytearray()
    while z >= 0x80:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)
    return bytes(out)


def _bytes(b):
    return _varint(-1) if b is None else _varint(len(b)) + b


def encode(records, base_offset=0, attributes=0, max_timestamp=None):
    """records: [(key bytes|None, value bytes|None, [(name bytes, value bytes|None)], ts)]."""
    base_ts = records[0][3]
    body = b""
    for i, (key, value, headers, ts) in enumerate(records):
        rec = b"\x00" + _varint(ts - base_ts) + _varint(i) + _bytes(key) + _bytes(value) + _varint(len(headers))
        for name, hv in headers:
            rec += _bytes(name) + _bytes(hv)
        body += _varint(len(rec)) + rec
    max_ts = max(r[3] for r in records) if max_timestamp is None else max_timestamp
    after_crc = struct.pack(">hiqqqhii", attributes, len(records) - 1, base_ts, max_ts, -1, -1, -1,
                            len(records)) + body
    crc = crc32c(after_crc)
    head = struct.pack(">qiibI", base_offset, 4 + 1 + 4 + len(after_crc), 0, 2, crc)
    return head + after_crc


def _read_varint(buf, at):
    shift = z = 0
    while True:
        b = buf[at]
        at += 1
        z |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return (z >> 1) ^ -(z & 1), at


def _read_bytes(buf, at):
    n, at = _read_varint(buf, at)
    if n < 0:
        return None, at
    return bytes(buf[at:at + n]), at + n


def decode(data):
    """[{base_offset, attributes, max_timestamp, crc_ok, records: [(offset, ts, key, value, headers)]}]."""
    out = []
    at = 0
    while at < len(data):
        base_offset, length, _epoch, magic, crc = struct.unpack(">qiibI", data[at:at + 21])
        end = at + 12 + length
        if magic != 2 or end > len(data):
            raise ValueError("bad batch at byte %d" % at)
        attributes, _last, base_ts, max_ts, _pid, _pe, _seq, count = struct.unpack(">hiqqqhii", data[at + 21:at + 61])
        batch = {"base_offset": base_offset, "attributes": attributes, "max_timestamp": max_ts,
                 "crc_ok": crc32c(data[at + 21:end]) == crc, "records": []}
        p = at + 61
        for _ in range(count):
            _length, p = _read_varint(data, p)
            p += 1  # record attributes
            ts_delta, p = _read_varint(data, p)
            off_delta, p = _read_varint(data, p)
            key, p = _read_bytes(data, p)
            value, p = _read_bytes(data, p)
            nh, p = _read_varint(data, p)
            headers = []
            for _ in range(nh):
                name, p = _read_bytes(data, p)
                hv, p = _read_bytes(data, p)
                headers.append((name, hv))
            ts = max_ts if attributes & 0x08 else base_ts + ts_delta
            batch["records"].append((base_offset + off_delta, ts, key, value, headers))
        if p != end:
            raise ValueError("records do not fill batch at byte %d" % at)
        out.append(batch)
        at = end
    return out
