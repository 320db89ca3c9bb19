//! `cargo xtask bench`: runs the benchmarks and writes their figures into
//! docs/BENCHMARKS.md, each with its command, the machine and the date.
//!
//! Each benchmark prints Markdown on stdout. Its output goes between the
//! markers `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` of the document
//! (a section is appended when they are missing), so the prose around the
//! figures (how to read them) stays hand-written and the figures are never
//! copied by hand.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// One `cargo bench` invocation and the environment that sets it up.
struct Run {
    env: &'static [(&'static str, &'static str)],
    /// What this run shows, printed above its output.
    note: &'static str,
}

struct Bench {
    name: &'static str,
    title: &'static str,
    package: &'static str,
    target: &'static str,
    runs: &'static [Run],
}

const ONE_RUN: &[Run] = &[Run { env: &[], note: "" }];

const BENCHES: &[Bench] = &[
    Bench {
        name: "chunking",
        title: "Chunking throughput (crates/chunking)",
        package: "chunksynth-chunking",
        target: "throughput",
        runs: ONE_RUN,
    },
    Bench {
        name: "quality",
        title: "Quality metrics throughput (crates/quality)",
        package: "chunksynth-quality",
        target: "quality_throughput",
        runs: ONE_RUN,
    },
    Bench {
        name: "client",
        title: "Client overhead (crates/backend-openai)",
        package: "chunksynth-backend-openai",
        target: "client_overhead",
        runs: ONE_RUN,
    },
    Bench {
        name: "tokens",
        title: "Token overhead of rephrasing (crates/rephrase)",
        package: "chunksynth-rephrase",
        target: "token_cost",
        runs: ONE_RUN,
    },
    Bench {
        name: "orchestration",
        title: "Orchestration against the limit, and resume cost (crates/runner)",
        package: "chunksynth-runner",
        target: "orchestration",
        runs: &[
            Run {
                env: &[("CHUNKSYNTH_BENCH_LATENCY_MS", "200")],
                note: "1,000 documents, L 200 ms, C 64, then the resume cases.",
            },
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_LATENCY_MS", "1000"),
                    ("CHUNKSYNTH_BENCH_RESUME", "0"),
                ],
                note: "1,000 documents at L 1 s: a model's pace.",
            },
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_LATENCY_MS", "20"),
                    ("CHUNKSYNTH_BENCH_RESUME", "0"),
                ],
                note: "L 20 ms: the runner's own CPU sets the pace.",
            },
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_LATENCY_MS", "200"),
                    ("CHUNKSYNTH_BENCH_CAPACITY", "1000"),
                    ("CHUNKSYNTH_BENCH_CONCURRENCY", "1000"),
                    ("CHUNKSYNTH_BENCH_RESUME", "0"),
                ],
                note: "1,000 documents in flight at once: peak RSS per 1,000 documents.",
            },
        ],
    },
    Bench {
        name: "batch",
        title: "Batch mode in wavefront rounds (crates/backend-openai, crates/runner)",
        package: "chunksynth-runner",
        target: "orchestration",
        runs: &[Run {
            env: &[("CHUNKSYNTH_BENCH_BATCH", "1")],
            note: "1,000 documents of mixed lengths through the fake server's Batch API.",
        }],
    },
    Bench {
        name: "formats",
        title: "Reading dataset formats (crates/runner)",
        package: "chunksynth-runner",
        target: "read_formats",
        runs: &[
            Run {
                env: &[],
                note: "200 MB of text in every format, next to pyarrow on the same Parquet file.",
            },
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_READ_MB", "1900"),
                    ("CHUNKSYNTH_BENCH_UNIQUE", "1"),
                    ("CHUNKSYNTH_BENCH_READ_FORMATS", "parquet"),
                ],
                note: "a Parquet file over 1 GB: peak RSS while reading it.",
            },
        ],
    },
    Bench {
        name: "scale",
        title: "Memory against corpus size (crates/runner)",
        package: "chunksynth-runner",
        target: "orchestration",
        runs: &[
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_SCALE", "1"),
                    ("CHUNKSYNTH_BENCH_DOCS", "10000"),
                    ("CHUNKSYNTH_BENCH_LATENCY_MS", "3"),
                ],
                note: "10,000 one-chunk documents at L 3 ms.",
            },
            Run {
                env: &[
                    ("CHUNKSYNTH_BENCH_SCALE", "1"),
                    ("CHUNKSYNTH_BENCH_DOCS", "100000"),
                    ("CHUNKSYNTH_BENCH_LATENCY_MS", "3"),
                ],
                note: "100,000 one-chunk documents at L 3 ms: peak RSS should stay near the 10,000 run's.",
            },
        ],
    },
];

pub(crate) fn run(which: Option<&str>) -> Result<()> {
    let selected: Vec<&Bench> = match which {
        None => BENCHES.iter().collect(),
        Some(name) => match BENCHES.iter().find(|b| b.name == name) {
            Some(b) => vec![b],
            None => {
                let known: Vec<&str> = BENCHES.iter().map(|b| b.name).collect();
                bail!("unknown benchmark {name:?}; known: {}", known.join(", "))
            }
        },
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask lives in the workspace")?;
    let doc_path = root.join("docs/BENCHMARKS.md");
    let machine = machine();
    let date = today();
    for bench in selected {
        let mut block = format!(
            "_Written by `cargo xtask bench {}` on {date}. Machine: {machine}. Release build._\n",
            bench.name
        );
        for run in bench.runs {
            let output = cargo_bench(root, bench, run)?;
            let env: String = run.env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
            block.push_str(&format!(
                "\n`{env}cargo bench -p {} --bench {}`{}\n\n{}\n",
                bench.package,
                bench.target,
                if run.note.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", run.note)
                },
                output.trim()
            ));
        }
        let doc = std::fs::read_to_string(&doc_path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
        std::fs::write(&doc_path, splice(&doc, bench.name, bench.title, &block))
            .with_context(|| format!("writing {}", doc_path.display()))?;
        eprintln!("wrote the {} figures to {}", bench.name, doc_path.display());
    }
    Ok(())
}

/// Runs one benchmark, its output shown as it comes and returned.
fn cargo_bench(root: &Path, bench: &Bench, run: &Run) -> Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(&cargo);
    command
        .current_dir(root)
        .args(["bench", "-q", "-p", bench.package, "--bench", bench.target])
        .envs(run.env.iter().copied())
        .stderr(Stdio::inherit());
    if bench.name == "formats" {
        // pyarrow, for comparison (the interop task's venv).
        command.env("CHUNKSYNTH_BENCH_PYTHON", crate::interop::python()?);
        // An S3 server on loopback, to read the same files from a store.
        crate::store_server::install()?;
        command.env("CHUNKSYNTH_BENCH_S3S", crate::store_server::s3s_fs_binary());
    }
    eprintln!("running {}: {}", bench.name, run.note);
    let output = command
        .output()
        .with_context(|| format!("running {cargo} bench -p {}", bench.package))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{text}");
    if !output.status.success() {
        bail!("the {} benchmark failed with {}", bench.name, output.status);
    }
    Ok(text)
}

/// `doc` with the generated block of `name` replaced, or appended under
/// `title` when the document has none yet.
fn splice(doc: &str, name: &str, title: &str, block: &str) -> String {
    let begin = format!("<!-- bench:{name} -->");
    let end = format!("<!-- /bench:{name} -->");
    let fenced = format!("{begin}\n{block}{end}");
    match (doc.find(&begin), doc.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{fenced}{}", &doc[..b], &doc[e + end.len()..]),
        _ => format!("{}\n\n## {title}\n\n{fenced}\n", doc.trim_end()),
    }
}

/// Cores, CPU model and memory, as far as this system says.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo.lines().find_map(|l| {
        l.strip_prefix("model name")?
            .split_once(':')
            .map(|(_, m)| m.trim().to_owned())
    });
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map(|kb| format!(", {:.0} GiB", kb / 1024.0 / 1024.0));
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()))
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|v| !v.is_empty());
    format!(
        "{cores} cores{}{}{}",
        model.map(|m| format!(" ({m})")).unwrap_or_default(),
        memory.unwrap_or_default(),
        rustc.map(|r| format!(", {r}")).unwrap_or_default()
    )
}

/// Today's UTC date, YYYY-MM-DD.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    civil(i64::try_from(days).unwrap_or(0))
}

/// The date `days` after 1970-01-01 (Howard Hinnant's days-to-civil).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_replaces_its_markers_or_is_appended() {
        let doc = "# B\n\nintro\n<!-- bench:a -->\nold\n<!-- /bench:a -->\n\nreading\n";
        assert_eq!(
            splice(doc, "a", "A", "new\n"),
            "# B\n\nintro\n<!-- bench:a -->\nnew\n<!-- /bench:a -->\n\nreading\n"
        );
        assert_eq!(
            splice("# B\n", "b", "Bee", "x\n"),
            "# B\n\n## Bee\n\n<!-- bench:b -->\nx\n<!-- /bench:b -->\n"
        );
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(11_016), "2000-02-29");
        assert_eq!(civil(20_417), "2025-11-25");
        assert_eq!(civil(20_782), "2026-11-25");
    }
}
