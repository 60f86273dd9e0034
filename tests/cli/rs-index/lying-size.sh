# A block header (with a right checksum) that declares 2^39 bytes, of which
# 100 follow: "truncated", never an attempt to allocate them, whether the
# file is mapped, on stdin or piped.  Likewise a zstd block whose 2-byte
# frame is said to hold 2^39 bytes.
cat > lie.py <<'PY'
import struct, sys
def crc32c(b, c=0):
    c ^= 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8): c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
    return c ^ 0xffffffff
def block(name, dtype, comp, rows, payload, stored, raw):
    h = struct.pack('<IBBH24sQQQQI', 0x4B425352, dtype, comp, 0, name.encode(), rows,
                    1 if dtype else 0, stored, raw, crc32c(payload))
    return h + struct.pack('<I', crc32c(h))
n = 1 << 39
out = b'\x89RSB\r\n\x1a\n' + struct.pack('<II', 1, 0)
if sys.argv[1] == 'plain':
    out += block('values', 1, 0, n, b'', n, n) + b'\0' * 100
else:
    z = bytes.fromhex('28b52ffd04581100006162614ad092')  # printf ab | zstd -c (no size in the frame)
    out += block('values', 1, 1, n, z, len(z), n) + z + b'\0' * (-len(z) % 8)
    out += block('end', 0, 0, 1, b'', 0, 0)
sys.stdout.buffer.write(out)
PY
python3 lie.py plain > lie.bin
python3 lie.py zstd > liez.bin
s=0; rs-index --list lie.bin || s=$?; echo "mapped $s"
s=0; rs-index --list < lie.bin || s=$?; echo "stdin $s"
s=0; cat lie.bin | rs-index --list || s=$?; echo "pipe $s"
s=0; cat liez.bin | rs-index --list || s=$?; echo "zstd $s"
