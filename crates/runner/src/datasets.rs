//! Dataset formats: what pre-training corpora ship as.
//!
//! - **In**: JSONL, `.jsonl.gz`, `.jsonl.zst` and Parquet, one file, a
//!   folder of shards (walked in sorted order) or a glob of them
//!   (`data/train-*.parquet`). Compressed JSONL is decoded as a stream;
//!   Parquet is read row group by row group with only the columns needed
//!   decoded, each row becoming the JSON object the JSONL path reads, so
//!   the field rules (id, text, dotted paths, kept fields) have one owner.
//! - **Out**: the run always appends to a JSONL working file (what resume
//!   reads; a crash can tear only its last line). When the output path asks
//!   for another format (`out.parquet`, `out.jsonl.zst`, `out.jsonl.gz`),
//!   the working file is exported to it at the end of a run, written aside
//!   and renamed over, so a reader never sees a half-written file; the
//!   working file is removed once the run is complete, and rebuilt from the
//!   output if a later run needs it.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;
use serde_json::Value;

/// A file's format, from its name or `--input-format`/`--output-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Jsonl,
    JsonlGz,
    JsonlZst,
    Parquet,
    /// A folder of `.txt`/`.md` files, one document each (input only).
    Text,
}

impl DataFormat {
    /// The format a path's name says, if it says one.
    pub fn of_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        let data = |stem: &str| [".jsonl", ".json", ".ndjson"].iter().any(|e| stem.ends_with(e));
        if name.ends_with(".parquet") {
            Some(Self::Parquet)
        } else if let Some(stem) = name.strip_suffix(".gz") {
            data(stem).then_some(Self::JsonlGz)
        } else if let Some(stem) = name.strip_suffix(".zst").or_else(|| name.strip_suffix(".zstd")) {
            data(stem).then_some(Self::JsonlZst)
        } else if data(&name) {
            Some(Self::Jsonl)
        } else if [".txt", ".md", ".markdown", ".text"]
            .iter()
            .any(|e| name.ends_with(e))
        {
            Some(Self::Text)
        } else {
            None
        }
    }

    /// The name `--input-format` takes for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Jsonl => "jsonl",
            Self::JsonlGz => "jsonl.gz",
            Self::JsonlZst => "jsonl.zst",
            Self::Parquet => "parquet",
            Self::Text => "text",
        }
    }

    /// Every format, in the order messages list them.
    const ALL: [DataFormat; 5] = [
        Self::Jsonl,
        Self::JsonlGz,
        Self::JsonlZst,
        Self::Parquet,
        Self::Text,
    ];

    /// The names `--input-format` takes, for messages ("jsonl, jsonl.gz, …").
    pub fn names() -> String {
        Self::ALL.map(Self::name).join(", ")
    }

    pub fn parse(name: &str) -> Result<Self, String> {
        match name {
            "jsonl" | "json" => Ok(Self::Jsonl),
            "jsonl.gz" | "gz" => Ok(Self::JsonlGz),
            "jsonl.zst" | "zst" | "zstd" => Ok(Self::JsonlZst),
            "parquet" => Ok(Self::Parquet),
            "text" | "txt" => Ok(Self::Text),
            other => Err(format!("unknown format {other:?}; use one of {}", Self::names())),
        }
    }
}

/// An output written as a folder of parts (`part-00000.parquet`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputParts {
    pub format: DataFormat,
    pub records_per_file: usize,
}

/// Which input fields travel into every output record unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum KeepFields {
    #[default]
    None,
    These(Vec<String>),
    /// Every field but the id and text.
    All,
}

/// Top-level names the output records use themselves; an input field of
/// one of these names cannot be kept under it.
pub const RESERVED_FIELDS: [&str; 9] = [
    "id",
    "style",
    "text",
    "input_index",
    "provenance",
    "plan",
    "qc_report",
    "sections",
    "state",
];

/// The data shards a path names: itself, the data files of a folder (in
/// sorted order, walked once per canonical directory), or the files a glob
/// in its last component matches.
pub(crate) fn shards(path: &Path, forced: Option<DataFormat>) -> std::io::Result<Vec<PathBuf>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.contains(['*', '?']) {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .is_some_and(|n| glob_match(&name, &n.to_string_lossy()))
            })
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no file matches {}", path.display()),
            ));
        }
        return Ok(found);
    }
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut found = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if !visited.insert(std::fs::canonicalize(&dir)?) {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            let Ok(meta) = std::fs::metadata(&p) else { continue };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file()
                && match forced {
                    Some(f) => DataFormat::of_path(&p).is_none_or(|g| g == f),
                    None => DataFormat::of_path(&p).is_some_and(|f| f != DataFormat::Text),
                }
            {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `*` and `?` matching of one file name.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The records of an output in any format a run writes — JSONL, `.jsonl.zst`,
/// `.jsonl.gz` (streamed), Parquet or a folder of parts (read into JSONL at
/// `scratch`, removed by the caller) — as JSON lines, for tools that read an
/// output whole (`chunksynth report`).
pub fn records_as_jsonl(output: &Path, scratch: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    if output.is_dir() {
        let format = std::fs::read_dir(output)?
            .flatten()
            .filter_map(|e| DataFormat::of_path(&e.path()))
            .find(|f| *f != DataFormat::Text)
            .unwrap_or(DataFormat::Jsonl);
        import_parts(output, format, scratch)?;
        return jsonl_reader(scratch, DataFormat::Jsonl);
    }
    match DataFormat::of_path(output) {
        Some(DataFormat::Parquet) => {
            import(output, DataFormat::Parquet, scratch)?;
            jsonl_reader(scratch, DataFormat::Jsonl)
        }
        Some(format @ (DataFormat::JsonlGz | DataFormat::JsonlZst)) => jsonl_reader(output, format),
        _ => jsonl_reader(output, DataFormat::Jsonl),
    }
}

/// A JSONL shard as a stream of lines, decompressed as it is read.
pub(crate) fn jsonl_reader(path: &Path, format: DataFormat) -> std::io::Result<Box<dyn BufRead + Send>> {
    decoded(File::open(path)?, format)
}

/// [`jsonl_reader`], counting the file's bytes read into `progress`.
pub(crate) fn jsonl_reader_counted(
    path: &Path,
    format: DataFormat,
    progress: &Arc<crate::input::InputProgress>,
) -> std::io::Result<Box<dyn BufRead + Send>> {
    decoded(crate::input::counted(File::open(path)?, progress.clone()), format)
}

pub(crate) fn decoded(
    file: impl std::io::Read + Send + 'static,
    format: DataFormat,
) -> std::io::Result<Box<dyn BufRead + Send>> {
    Ok(match format {
        DataFormat::JsonlGz => Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(file))),
        DataFormat::JsonlZst => Box::new(BufReader::new(zstd::stream::read::Decoder::new(file)?)),
        _ => Box::new(BufReader::new(file)),
    })
}

/// The rows of a Parquet shard as JSON objects (one row group at a time),
/// with only `columns` decoded (all of them when `None`). Columns missing
/// from the file are left out, so the field rules report them.
pub(crate) fn parquet_rows(
    path: &Path,
    columns: Option<&[String]>,
) -> Result<(impl Iterator<Item = Result<Value, String>> + Send + use<>, u64), String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    parquet_rows_of(file, columns)
}

/// [`parquet_rows`] over any source of byte ranges (a file, an object in a
/// store).
pub(crate) fn parquet_rows_of<R: parquet::file::reader::ChunkReader + 'static>(
    source: R,
    columns: Option<&[String]>,
) -> Result<(impl Iterator<Item = Result<Value, String>> + Send + use<R>, u64), String> {
    let reader = SerializedFileReader::new(source).map_err(|e| e.to_string())?;
    let row_count = u64::try_from(reader.metadata().file_metadata().num_rows()).unwrap_or(0);
    let schema = reader.metadata().file_metadata().schema();
    let projection = match columns {
        None => None,
        Some(wanted) => {
            let fields: Vec<Arc<Type>> = schema
                .get_fields()
                .iter()
                .filter(|f| wanted.iter().any(|w| w == f.name()))
                .cloned()
                .collect();
            Some(
                Type::group_type_builder(schema.name())
                    .with_fields(fields)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
        }
    };
    let rows = parquet::record::reader::RowIter::from_file_into(Box::new(reader))
        .project(projection)
        .map_err(|e| e.to_string())?;
    Ok((
        rows.map(|row| row.map(row_value).map_err(|e| e.to_string())),
        row_count,
    ))
}

/// A row as a JSON object, its strings moved rather than copied (the text
/// column is most of the bytes).
fn row_value(row: parquet::record::Row) -> Value {
    let map = row
        .into_columns()
        .into_iter()
        .map(|(name, field)| {
            let value = match field {
                parquet::record::Field::Str(s) => Value::String(s),
                other => other.to_json_value(),
            };
            (name, value)
        })
        .collect();
    Value::Object(map)
}

/// The key-value metadata naming the columns that hold JSON text (objects
/// and arrays of the records), so that reading the file back restores them.
const JSON_COLUMNS_KEY: &str = "chunksynth.json_columns";

/// A Parquet row group ends at this many rows or bytes of values, whichever
/// comes first: a reader holds about one row group in memory, so it is
/// bounded in bytes, not only rows (long documents are tens of KB each).
const ROW_GROUP_ROWS: usize = 4096;
const ROW_GROUP_BYTES: usize = 32 << 20;

/// What a column holds, as seen over every record.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Str,
    Int,
    Float,
    Bool,
    /// Objects, arrays, or mixed types: JSON text.
    Json,
}

impl Column {
    fn of(v: &Value) -> Option<Self> {
        match v {
            Value::Null => None,
            Value::String(_) => Some(Self::Str),
            Value::Bool(_) => Some(Self::Bool),
            Value::Number(n) if n.is_i64() => Some(Self::Int),
            Value::Number(_) => Some(Self::Float),
            _ => Some(Self::Json),
        }
    }

    fn merge(self, other: Self) -> Self {
        match (self, other) {
            (a, b) if a == b => a,
            (Self::Int, Self::Float) | (Self::Float, Self::Int) => Self::Float,
            _ => Self::Json,
        }
    }
}

/// Writes `working` (JSONL) as `output` in `format`: to a temporary file
/// beside it, synced, then renamed over it. Returns the records written.
pub fn export(working: &Path, output: &Path, format: DataFormat) -> std::io::Result<usize> {
    let tmp = crate::output::with_suffix(output, ".exporting");
    let n = match format {
        DataFormat::Parquet => export_parquet(working, &tmp)?,
        DataFormat::JsonlGz | DataFormat::JsonlZst => {
            let mut lines = BufReader::new(File::open(working)?)
                .lines()
                .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()));
            write_jsonl(&mut lines, usize::MAX, format, &tmp)?
        }
        DataFormat::Jsonl | DataFormat::Text => return Ok(0),
    };
    File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, output)?;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(n)
}

/// The columns of the records in `working`, in the order a reader expects,
/// and what each holds.
struct Columns {
    order: Vec<String>,
    kinds: BTreeMap<String, Column>,
}

fn scan_columns(working: &Path) -> std::io::Result<Columns> {
    let mut order: Vec<String> = Vec::new();
    let mut kinds: BTreeMap<String, Column> = BTreeMap::new();
    for line in BufReader::new(File::open(working)?).lines() {
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&line?) else {
            continue;
        };
        for (k, v) in &map {
            let Some(kind) = Column::of(v) else { continue };
            match kinds.get_mut(k) {
                Some(have) => *have = have.merge(kind),
                None => {
                    order.push(k.clone());
                    kinds.insert(k.clone(), kind);
                }
            }
        }
    }
    // Our columns first as a reader expects them (id, style, text,
    // input_index), the kept columns next, the bulky JSON ones last.
    let rank = |name: &str| match RESERVED_FIELDS.iter().position(|r| *r == name) {
        Some(i @ 0..=3) => i,
        Some(i) => 100 + i,
        None => 50,
    };
    order.sort_by_key(|name| rank(name));
    Ok(Columns { order, kinds })
}

fn export_parquet(working: &Path, tmp: &Path) -> std::io::Result<usize> {
    let columns = scan_columns(working)?;
    let lines = BufReader::new(File::open(working)?).lines();
    write_parquet(&columns, lines, usize::MAX, tmp)
}

/// Writes up to `most` records of `lines` as one Parquet file.
fn write_parquet(
    columns: &Columns,
    mut lines: impl Iterator<Item = std::io::Result<String>>,
    most: usize,
    tmp: &Path,
) -> std::io::Result<usize> {
    let Columns { order, kinds } = columns;
    let fields: Vec<Arc<Type>> = order
        .iter()
        .map(|name| {
            let (physical, logical) = match kinds[name] {
                Column::Str | Column::Json => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                Column::Int => (PhysicalType::INT64, None),
                Column::Float => (PhysicalType::DOUBLE, None),
                Column::Bool => (PhysicalType::BOOLEAN, None),
            };
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::OPTIONAL)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<_, _>>()
        .map_err(std::io::Error::other)?;
    let schema = Arc::new(
        Type::group_type_builder("record")
            .with_fields(fields)
            .build()
            .map_err(std::io::Error::other)?,
    );
    let json_columns: Vec<&str> = order
        .iter()
        .filter(|n| kinds[n.as_str()] == Column::Json)
        .map(String::as_str)
        .collect();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).map_err(std::io::Error::other)?,
        ))
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            JSON_COLUMNS_KEY.to_owned(),
            json_columns.join(","),
        )]))
        .build();
    let mut writer = SerializedFileWriter::new(File::create(tmp)?, schema, Arc::new(props))
        .map_err(std::io::Error::other)?;
    let mut rows: Vec<serde_json::Map<String, Value>> = Vec::with_capacity(ROW_GROUP_ROWS);
    let (mut n, mut bytes) = (0, 0);
    loop {
        let next = if n + rows.len() < most {
            lines.next().transpose()?
        } else {
            None
        };
        if let Some(line) = &next
            && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(line)
        {
            bytes += line.len();
            rows.push(map);
        }
        if rows.len() >= ROW_GROUP_ROWS || bytes >= ROW_GROUP_BYTES || (next.is_none() && !rows.is_empty()) {
            n += rows.len();
            write_row_group(&mut writer, order, kinds, &rows)?;
            rows.clear();
            bytes = 0;
        }
        if next.is_none() {
            break;
        }
    }
    writer.close().map_err(std::io::Error::other)?;
    Ok(n)
}

/// The file name extension of a format's files.
pub(crate) fn extension(format: DataFormat) -> &'static str {
    match format {
        DataFormat::Parquet => "parquet",
        DataFormat::JsonlGz => "jsonl.gz",
        DataFormat::JsonlZst => "jsonl.zst",
        DataFormat::Jsonl | DataFormat::Text => "jsonl",
    }
}

/// The name of part `i` of a folder output.
fn part_name(i: usize, format: DataFormat) -> String {
    format!("part-{i:05}.{}", extension(format))
}

/// Writes `working` into the folder `dir` as `part-00000.<ext>`, ... of at
/// most `per_file` records each (every part renamed into place once whole;
/// parts left from an earlier, larger export removed). Parquet parts share
/// one schema. Returns the records written.
pub(crate) fn export_parts(
    working: &Path,
    dir: &Path,
    format: DataFormat,
    per_file: usize,
) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let per_file = per_file.max(1);
    let columns = if format == DataFormat::Parquet {
        Some(scan_columns(working)?)
    } else {
        None
    };
    let mut lines = BufReader::new(File::open(working)?)
        .lines()
        .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
        .peekable();
    let (mut total, mut part) = (0, 0);
    while lines.peek().is_some() {
        let path = dir.join(part_name(part, format));
        let tmp = crate::output::with_suffix(&path, ".exporting");
        let n = match &columns {
            Some(columns) => write_parquet(columns, &mut lines, per_file, &tmp)?,
            None => write_jsonl(&mut lines, per_file, format, &tmp)?,
        };
        File::open(&tmp)?.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        total += n;
        part += 1;
    }
    // Parts beyond this export's last are an earlier export's.
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let index = name
            .strip_prefix("part-")
            .and_then(|rest| rest.split('.').next())
            .and_then(|n| n.parse::<usize>().ok());
        if index.is_some_and(|i| i >= part) {
            std::fs::remove_file(entry.path())?;
        }
    }
    let _ = File::open(dir).and_then(|d| d.sync_all());
    Ok(total)
}

/// Writes up to `most` lines as JSONL in `format` (compressed or not).
fn write_jsonl(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    most: usize,
    format: DataFormat,
    tmp: &Path,
) -> std::io::Result<usize> {
    let out = File::create(tmp)?;
    let mut encoder: Box<dyn Write> = match format {
        DataFormat::JsonlGz => Box::new(flate2::write::GzEncoder::new(out, flate2::Compression::default())),
        DataFormat::JsonlZst => Box::new(zstd::stream::write::Encoder::new(out, 3)?.auto_finish()),
        _ => Box::new(BufWriter::new(out)),
    };
    let mut n = 0;
    for line in lines.by_ref() {
        let line = line?;
        encoder.write_all(line.as_bytes())?;
        encoder.write_all(b"\n")?;
        n += 1;
        if n >= most {
            break;
        }
    }
    encoder.flush()?;
    drop(encoder);
    Ok(n)
}

/// [`import`] of every part of a folder output, in order.
pub(crate) fn import_parts(dir: &Path, format: DataFormat, working: &Path) -> std::io::Result<usize> {
    let mut parts: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                n.to_string_lossy().starts_with("part-") && DataFormat::of_path(p) == Some(format)
            })
        })
        .collect();
    parts.sort();
    let tmp = crate::output::with_suffix(working, ".parts");
    let mut all = BufWriter::new(File::create(&tmp)?);
    let mut n = 0;
    for part in parts {
        let one = crate::output::with_suffix(working, ".part");
        n += import(&part, format, &one)?;
        std::io::copy(&mut File::open(&one)?, &mut all)?;
        std::fs::remove_file(&one)?;
    }
    all.flush()?;
    all.get_ref().sync_all()?;
    drop(all);
    std::fs::rename(&tmp, working)?;
    Ok(n)
}

fn write_row_group(
    writer: &mut SerializedFileWriter<File>,
    order: &[String],
    kinds: &BTreeMap<String, Column>,
    rows: &[serde_json::Map<String, Value>],
) -> std::io::Result<()> {
    let io = std::io::Error::other;
    let mut group = writer.next_row_group().map_err(io)?;
    for name in order {
        let Some(mut column) = group.next_column().map_err(io)? else {
            break;
        };
        let cells: Vec<Option<&Value>> = rows
            .iter()
            .map(|r| r.get(name).filter(|v| !v.is_null()))
            .collect();
        let levels: Vec<i16> = cells.iter().map(|c| i16::from(c.is_some())).collect();
        let w = column.untyped();
        match kinds[name] {
            Column::Str | Column::Json => {
                let values: Vec<ByteArray> = cells
                    .iter()
                    .flatten()
                    .map(|v| match v {
                        Value::String(s) => ByteArray::from(s.as_str()),
                        other => ByteArray::from(other.to_string().as_str()),
                    })
                    .collect();
                column_writer::<ByteArrayType>(w)?.write_batch(&values, Some(&levels), None)
            }
            Column::Int => {
                let values: Vec<i64> = cells.iter().flatten().filter_map(|v| v.as_i64()).collect();
                column_writer::<Int64Type>(w)?.write_batch(&values, Some(&levels), None)
            }
            Column::Float => {
                let values: Vec<f64> = cells.iter().flatten().filter_map(|v| v.as_f64()).collect();
                column_writer::<DoubleType>(w)?.write_batch(&values, Some(&levels), None)
            }
            Column::Bool => {
                let values: Vec<bool> = cells.iter().flatten().filter_map(|v| v.as_bool()).collect();
                column_writer::<BoolType>(w)?.write_batch(&values, Some(&levels), None)
            }
        }
        .map_err(io)?;
        column.close().map_err(io)?;
    }
    group.close().map_err(io)?;
    Ok(())
}

fn column_writer<'a, 'b, T: parquet::data_type::DataType>(
    w: &'b mut parquet::column::writer::ColumnWriter<'a>,
) -> std::io::Result<&'b mut parquet::column::writer::ColumnWriterImpl<'a, T>> {
    T::get_column_writer_mut(w).ok_or_else(|| std::io::Error::other("column type mismatch"))
}

/// Rebuilds the JSONL working file from an exported output (so that a later
/// run resumes from it): decompressed, or the Parquet rows with their JSON
/// columns parsed back.
pub(crate) fn import(output: &Path, format: DataFormat, working: &Path) -> std::io::Result<usize> {
    let tmp = crate::output::with_suffix(working, ".importing");
    let mut out = BufWriter::new(File::create(&tmp)?);
    let mut n = 0;
    match format {
        DataFormat::Parquet => {
            let file = File::open(output)?;
            let reader = SerializedFileReader::new(file).map_err(std::io::Error::other)?;
            let json_columns: Vec<String> = reader
                .metadata()
                .file_metadata()
                .key_value_metadata()
                .and_then(|kv| {
                    kv.iter()
                        .find(|k| k.key == JSON_COLUMNS_KEY)
                        .and_then(|k| k.value.clone())
                })
                .map(|v| {
                    v.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            for row in parquet_rows(output, None).map_err(std::io::Error::other)?.0 {
                let mut value = row.map_err(std::io::Error::other)?;
                if let Value::Object(map) = &mut value {
                    map.retain(|_, v| !v.is_null());
                    for c in &json_columns {
                        if let Some(Value::String(s)) = map.get(c)
                            && let Ok(parsed) = serde_json::from_str::<Value>(s)
                        {
                            map.insert(c.clone(), parsed);
                        }
                    }
                }
                serde_json::to_writer(&mut out, &value).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
                n += 1;
            }
        }
        _ => {
            let mut reader = jsonl_reader(output, format)?;
            let mut buf = Vec::new();
            loop {
                buf.clear();
                if reader.read_until(b'\n', &mut buf)? == 0 {
                    break;
                }
                out.write_all(&buf)?;
                if !buf.ends_with(b"\n") {
                    out.write_all(b"\n")?;
                }
                n += 1;
            }
        }
    }
    out.flush()?;
    out.get_ref().sync_all()?;
    drop(out);
    std::fs::rename(&tmp, working)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_name() {
        for (name, f) in [
            ("a.jsonl", Some(DataFormat::Jsonl)),
            ("a.JSONL.ZST", Some(DataFormat::JsonlZst)),
            ("train-00001-of-00512.parquet", Some(DataFormat::Parquet)),
            ("a.json.gz", Some(DataFormat::JsonlGz)),
            ("notes.md", Some(DataFormat::Text)),
            ("a.tar.gz", None),
        ] {
            assert_eq!(DataFormat::of_path(Path::new(name)), f, "{name}");
        }
    }

    #[test]
    fn globs_match_shard_names() {
        assert!(glob_match("train-*.parquet", "train-00000-of-00002.parquet"));
        assert!(!glob_match("train-*.parquet", "test-00000.parquet"));
        assert!(glob_match("part-?.jsonl.zst", "part-1.jsonl.zst"));
    }
}
