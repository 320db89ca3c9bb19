"""Reads chunksynth's outputs back with pyarrow and checks every record:
each input record once, its text rewritten (the fake server upper-cases),
the kept columns unchanged, provenance readable as JSON."""
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

root = Path(sys.argv[1])


def expect(ids, want_from, want_n, records, kept):
    want = {f"doc-{i:05d}" for i in range(want_from, want_from + want_n)}
    assert set(ids) == want and len(ids) == len(want), f"ids: {sorted(set(ids) ^ want)[:5]} ({len(ids)} of {len(want)})"
    for r in records:
        i = int(r["id"].split("-")[1])
        src = f"Record {i} of the interop set. It names Ada Lovelace and the year {1800 + i}."
        assert r["text"] == src.upper(), r["text"]
        for k in kept:
            assert k in r, f"kept column {k} missing"
        if "url" in kept:
            assert r["url"] == f"https://example.org/{i}", r["url"]
        if "score" in kept:
            assert abs(r["score"] - i / 7) < 1e-12, r["score"]
        prov = r["provenance"]
        prov = json.loads(prov) if isinstance(prov, str) else prov
        assert len(prov["source_sha256"]) == 64


table = pq.read_table(root / "out.parquet")
records = table.to_pylist()
expect([r["id"] for r in records], 0, 80, records, ["url", "score"])
print(f"pyarrow read out.parquet: {table.num_rows} rows, columns {table.column_names}")

with pa.CompressedInputStream(str(root / "out.jsonl.zst"), "zstd") as f:
    lines = f.read().decode().splitlines()
records = [json.loads(l) for l in lines]
expect([r["id"] for r in records], 100, 30, records, ["url", "score", "dump"])
print(f"pyarrow read out.jsonl.zst: {len(records)} records")
