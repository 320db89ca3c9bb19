"""Writes the interop inputs with pyarrow, the way dataset tools write them:
a Hugging Face-style folder of Parquet shards (snappy, as `datasets` writes
them) and a .jsonl.zst file. Prints nothing; `check_outputs.py` checks."""
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

root = Path(sys.argv[1])
(root / "data").mkdir(parents=True, exist_ok=True)


def rows(start, n):
    return [
        {
            "id": f"doc-{i:05d}",
            "text": f"Record {i} of the interop set. It names Ada Lovelace and the year {1800 + i}.",
            "url": f"https://example.org/{i}",
            "score": i / 7,
            "dump": "CC-MAIN-2024-10",
        }
        for i in range(start, start + n)
    ]


for shard in range(2):
    part = rows(shard * 40, 40)
    table = pa.Table.from_pylist(part)
    pq.write_table(table, root / "data" / f"train-{shard:05d}-of-00002.parquet", compression="snappy", row_group_size=16)

with pa.CompressedOutputStream(str(root / "in.jsonl.zst"), "zstd") as out:
    for row in rows(100, 30):
        out.write((json.dumps(row) + "\n").encode())
