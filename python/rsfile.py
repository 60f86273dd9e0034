"""Read rs binary files (man 5 rs-format) into numpy, scipy and pandas.

    import rsfile
    b = rsfile.load("model.rsm")        # any file rs writes: a matrix or a model
    b.meta["model"]                     # 'svd', 'als', 'knn-item', ...
    b["item_factors"]                   # a block as a numpy array (rows x cols)
    X = b.matrix()                      # the training matrix, scipy.sparse.csr_matrix
    b.users, b.items                    # id maps: row i of X is user b.users[i]
    P, Q = b.factors()                  # factor models: users x k, items x k
    df = b.interactions()               # pandas: user, item, rating[, time]
    recs = rsfile.read_lists("recs.tsv")  # rs-recommend's TSV lists as pandas

Pure Python over numpy and Debian's python3-zstandard; checksums (CRC-32C)
are verified with python3-crc32c or python3-crcmod when either is installed
(verify=False skips them).  A damaged or truncated file raises RsFileError,
as the rs programs refuse one.
"""

import io
import struct

import numpy as np

__all__ = ["Bundle", "RsFileError", "load", "loads", "read_lists"]

MAGIC = b"\x89RSB\r\n\x1a\n"
VERSION = 1
TAG = 0x4B425352
DTYPES = {1: np.uint8, 2: np.int32, 3: np.uint32, 4: np.int64, 5: np.uint64,
          6: np.float32, 7: np.float64}
STR = 8
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
HEADER = struct.Struct("<IBBH24sQQQQII")   # 72 bytes, see rs-format(5)


class RsFileError(ValueError):
    """A file that is not a complete, undamaged rs binary stream."""


def _crc32c():
    try:
        import crc32c
        return crc32c.crc32c
    except ImportError:
        pass
    try:
        import crcmod.predefined
        return crcmod.predefined.mkPredefinedCrcFun("crc-32c")
    except ImportError:
        return None


class Bundle:
    """The blocks of one rs stream: numpy arrays (rows x cols), lists of
    str for string blocks, and meta as a dict."""

    def __init__(self, blocks):
        self.blocks = blocks
        self.meta = dict(e.split("=", 1) for e in blocks.get("meta", []) if "=" in e)

    def __getitem__(self, name):
        return self.blocks[name]

    def __contains__(self, name):
        return name in self.blocks

    def keys(self):
        return self.blocks.keys()

    @property
    def users(self):
        return self.blocks["users"]

    @property
    def items(self):
        return self.blocks["items"]

    def matrix(self):
        """The user-item matrix as scipy.sparse.csr_matrix (users x items),
        entries in input order within a row, repeats kept as rs keeps them."""
        import scipy.sparse
        rows, cols = (int(v) for v in self.blocks["shape"].ravel())
        return scipy.sparse.csr_matrix(
            (self.blocks["values"].ravel(), self.blocks["indices"].ravel().astype(np.int64),
             self.blocks["indptr"].ravel().astype(np.int64)), shape=(rows, cols))

    def interactions(self):
        """The matrix as a pandas DataFrame: user, item, rating[, time]."""
        import pandas as pd
        indptr = self.blocks["indptr"].ravel().astype(np.int64)
        users = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        df = pd.DataFrame({
            "user": np.asarray(self.users, dtype=object)[users],
            "item": np.asarray(self.items, dtype=object)[self.blocks["indices"].ravel()],
            "rating": self.blocks["values"].ravel()})
        if "times" in self.blocks:
            df["time"] = self.blocks["times"].ravel()
        return df

    def factors(self):
        """(user_factors, item_factors) of a factor model (svd, funk, als, bpr)."""
        return self.blocks["user_factors"], self.blocks["item_factors"]

    def frame(self, name):
        """A block whose rows are users or items as a DataFrame indexed by id."""
        import pandas as pd
        data = self.blocks[name]
        ids = self.items if name.startswith(("item_", "w2v_")) else self.users
        return pd.DataFrame(data, index=pd.Index(ids, name="id"))


def _read_exact(f, n, what):
    data = f.read(n)
    if len(data) != n:
        raise RsFileError("truncated rs binary stream: %s ends after %d of %d bytes"
                          % (what, len(data), n))
    return data


def _read_stream(f, verify):
    crc = _crc32c() if verify else None
    head = f.read(16)
    if head[:8] != MAGIC:
        raise RsFileError("not an rs binary stream (bad magic)")
    version, flags = struct.unpack("<II", head[8:16])
    if version > VERSION or flags:
        raise RsFileError("unsupported rs binary version %d (flags %d)" % (version, flags))
    blocks, count = {}, 0
    while True:
        raw = _read_exact(f, HEADER.size, "a block header")
        (tag, dtype, comp, reserved, name, rows, cols, stored, size,
         pcrc, hcrc) = HEADER.unpack(raw)
        if tag != TAG or (crc and crc(raw[:68]) != hcrc):
            raise RsFileError("corrupted block header")
        name = name.rstrip(b"\0").decode()
        if dtype == 0:
            if rows != count:
                raise RsFileError("end block counts %d blocks, read %d" % (rows, count))
            return blocks
        payload = _read_exact(f, stored, "block '%s'" % name)
        _read_exact(f, -stored % 8, "block '%s' padding" % name)
        if crc and crc(payload) != pcrc:
            raise RsFileError("checksum mismatch in block '%s'" % name)
        if comp == 1:
            import zstandard
            payload = zstandard.ZstdDecompressor().decompress(payload, max_output_size=size)
        if len(payload) != size:
            raise RsFileError("block '%s' holds %d bytes, not %d" % (name, len(payload), size))
        if dtype == STR:
            strs = payload.split(b"\0")[:-1]
            if len(strs) != rows:
                raise RsFileError("block '%s' holds %d strings, not %d" % (name, len(strs), rows))
            blocks[name] = [s.decode("utf-8", "surrogateescape") for s in strs]
        elif dtype in DTYPES:
            blocks[name] = np.frombuffer(payload, dtype=np.dtype(DTYPES[dtype]).newbyteorder("<")
                                         ).reshape(rows, cols)
        else:
            raise RsFileError("block '%s': unknown dtype %d" % (name, dtype))
        count += 1


def loads(data, verify=True):
    """A Bundle from bytes (a whole-stream zstd frame is decompressed)."""
    if data[:4] == ZSTD_MAGIC:
        import zstandard
        data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return Bundle(_read_stream(io.BytesIO(data), verify))


def load(path, verify=True):
    """A Bundle from a file rs wrote (a matrix or a model; .zst too)."""
    with open(path, "rb") as f:
        return loads(f.read(), verify)


def read_lists(path):
    """rs-recommend's TSV lists (query, rank, item, score[, title]) as pandas."""
    import pandas as pd
    df = pd.read_csv(path, sep="\t", header=None, dtype={0: str, 2: str}, quoting=3,
                     keep_default_na=False)
    df.columns = ["user", "rank", "item", "score", "title"][:df.shape[1]]
    return df
