//! The page itself: escaped text, SVG charts drawn here, one inline style
//! and one inline script, and a Content-Security-Policy that lets nothing
//! else in.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::{Shown, ShownText, Totals};

/// Text as HTML shows it, never as markup.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Nothing from outside the page: no source, no connection, no frame.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}\
.charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid #eee;padding:6px}.note{background:#fff6d5;padding:6px 10px}\
.record{display:none;border:1px solid #ccc;padding:10px;margin:10px 0}.record.open{display:block}\
.pair{display:grid;grid-template-columns:1fr 1fr;gap:12px}.pair pre{white-space:pre-wrap;background:#fafafa;padding:8px;margin:0}\
mark{background:#ffd54f}tr.hidden{display:none}td a{cursor:pointer}";

/// Filters from the address (`#outcome=kept%20best&style=table`) and the
/// selects, rows shown or hidden; `#r-N` opens record N, `#t-N` text N.
const SCRIPT: &str = r#"window.onerror=function(){document.body.setAttribute('data-error','1')};
function params(){var h=decodeURIComponent(location.hash.slice(1));var p={};if(h.indexOf('r-')===0||h.indexOf('t-')===0){p.record=h;return p;}
h.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i>0)p[kv.slice(0,i)]=kv.slice(i+1);});return p;}
function apply(){var p=params();var f={};['style','outcome','check'].forEach(function(k){var s=document.getElementById('f-'+k);if(p[k]!==undefined)s.value=p[k];f[k]=p[k]!==undefined?p[k]:s.value;});
var shown=0;document.querySelectorAll('#records tbody tr').forEach(function(tr){var ok=(!f.style||tr.dataset.style===f.style)&&(!f.outcome||tr.dataset.outcome===f.outcome)&&(!f.check||(' '+tr.dataset.checks+' ').indexOf(' '+f.check+' ')>=0);
tr.classList.toggle('hidden',!ok);if(ok)shown++;});document.getElementById('shown').textContent=shown;
document.querySelectorAll('.record').forEach(function(s){s.classList.toggle('open',p.record===s.id);});}
function choose(){var q=[];['style','outcome','check'].forEach(function(k){var v=document.getElementById('f-'+k).value;if(v)q.push(k+'='+encodeURIComponent(v));});location.hash=q.join('&');apply();}
window.addEventListener('hashchange',apply);document.addEventListener('DOMContentLoaded',function(){['style','outcome','check'].forEach(function(k){document.getElementById('f-'+k).addEventListener('change',choose);});apply();});"#;

/// A histogram of `values` in [lo, hi] as SVG.
fn histogram(title: &str, values: &[f64], lo: f64, hi: f64) -> String {
    const BINS: usize = 10;
    let (w, h) = (220.0, 110.0);
    let mut counts = [0usize; BINS];
    for &v in values {
        let i = (((v - lo) / (hi - lo)) * BINS as f64)
            .floor()
            .clamp(0.0, (BINS - 1) as f64) as usize;
        counts[i] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let mut bars = String::new();
    for (i, &c) in counts.iter().enumerate() {
        let bh = (c as f64 / max) * (h - 30.0);
        let x = 10.0 + i as f64 * (w - 20.0) / BINS as f64;
        let _ = write!(
            bars,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#5c7cfa\"><title>{c}</title></rect>",
            h - 18.0 - bh,
            (w - 20.0) / BINS as f64 - 2.0
        );
    }
    format!(
        "<div class=\"chart\"><svg width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\"><text x=\"10\" y=\"12\" font-size=\"11\">{t} ({n})</text>{bars}<text x=\"10\" y=\"{y}\" font-size=\"10\">{lo}</text><text x=\"{xr}\" y=\"{y}\" font-size=\"10\">{hi}</text></svg></div>",
        t = escape(title),
        n = values.len(),
        y = h - 4.0,
        xr = w - 30.0,
    )
}

/// Horizontal bars of counts as SVG.
fn bars(title: &str, counts: &BTreeMap<String, usize>) -> String {
    let max = counts.values().copied().max().unwrap_or(0).max(1) as f64;
    let h = 24.0 + counts.len() as f64 * 18.0;
    let mut body = String::new();
    for (i, (k, v)) in counts.iter().enumerate() {
        let y = 20.0 + i as f64 * 18.0;
        let bw = (*v as f64 / max) * 150.0;
        let _ = write!(
            body,
            "<text x=\"0\" y=\"{:.0}\" font-size=\"11\">{}</text><rect x=\"140\" y=\"{:.0}\" width=\"{bw:.1}\" height=\"12\" fill=\"#40c057\"/><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"11\">{v}</text>",
            y + 10.0,
            escape(k),
            y,
            145.0 + bw,
            y + 10.0
        );
    }
    format!(
        "<div class=\"chart\"><svg width=\"330\" height=\"{h}\" role=\"img\" aria-label=\"{t}\"><text x=\"0\" y=\"12\" font-size=\"11\">{t}</text>{body}</svg></div>",
        t = escape(title)
    )
}

/// Records finished over time, as a line.
fn finished_over_time(times: &[u64]) -> String {
    let mut t: Vec<u64> = times.to_vec();
    t.sort_unstable();
    let (Some(&first), Some(&last)) = (t.first(), t.last()) else {
        return String::new();
    };
    let span = (last - first).max(1) as f64;
    let (w, h) = (460.0, 120.0);
    let points: Vec<String> = t
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            format!(
                "{:.1},{:.1}",
                10.0 + (ms - first) as f64 / span * (w - 20.0),
                h - 10.0 - (i + 1) as f64 / t.len() as f64 * (h - 30.0)
            )
        })
        .collect();
    format!(
        "<div class=\"chart\"><svg width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"records finished over time\"><text x=\"10\" y=\"12\" font-size=\"11\">records finished over time ({} s)</text><polyline fill=\"none\" stroke=\"#e8590c\" stroke-width=\"2\" points=\"{}\"/></svg></div>",
        (span / 1000.0).round(),
        points.join(" ")
    )
}

/// `text` escaped, each quote (found verbatim) marked.
fn marked(text: &str, quotes: &[&str]) -> String {
    let mut out = escape(text);
    for q in quotes {
        let q = escape(q.trim());
        if q.chars().count() >= 4
            && let Some(i) = out.find(&q)
        {
            out.replace_range(i..i + q.len(), &format!("<mark>{q}</mark>"));
        }
    }
    out
}

/// What findings quote: «…» and “…”.
fn quoted(finding: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (open, close) in [('«', '»'), ('“', '”')] {
        let mut rest = finding;
        while let Some(i) = rest.find(open) {
            let after = &rest[i + open.len_utf8()..];
            let Some(j) = after.find(close) else { break };
            out.push(&after[..j]);
            rest = &after[j + close.len_utf8()..];
        }
    }
    out
}

pub(crate) fn page(
    t: &Totals,
    shown: &[Shown],
    seen: u64,
    texts: &[ShownText],
    with_sources: bool,
    output: &Path,
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"><title>chunksynth report: {}</title><style>{STYLE}</style></head><body>",
        escape(&output.display().to_string())
    );
    let _ = write!(
        h,
        "<h1>chunksynth report: {}</h1><p class=\"note\">This page holds corpus text: share it as you would share the corpus.{}</p>",
        escape(&output.display().to_string()),
        if with_sources {
            ""
        } else {
            " Without <code>--input</code> it shows rewrites and findings only."
        }
    );
    // Overview.
    let rejected: usize = t.rejects.values().map(Vec::len).sum();
    let _ = write!(
        h,
        "<h2>Overview</h2><table><tr><th>records</th><td id=\"n-records\">{}</td></tr><tr><th>generated texts (QC passed)</th><td>{} ({})</td></tr><tr><th>rejected</th><td>{rejected}</td></tr><tr><th>chunks</th><td>{}</td></tr><tr><th>calls</th><td>{}</td></tr><tr><th>tokens</th><td>{}</td></tr><tr><th>models</th><td>{}</td></tr><tr><th>unreadable lines</th><td>{}</td></tr></table>",
        t.records,
        t.generated,
        t.qc_passed,
        t.chunks,
        t.calls,
        t.tokens,
        escape(
            &t.models
                .iter()
                .map(|(m, n)| format!("{m} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        t.unreadable
    );
    let mut extra = String::new();
    if let Some((cost, whence)) = t.cost {
        let _ = write!(
            extra,
            "<tr><th>cost</th><td id=\"cost\">{cost:.4} ({whence})</td></tr>"
        );
    }
    if let (Some(first), Some(last)) = (t.finished.iter().min(), t.finished.iter().max()) {
        let _ = write!(
            extra,
            "<tr><th>records finished over</th><td>{} s</td></tr>",
            (last - first).div_ceil(1000)
        );
    }
    for (config, n) in &t.configs {
        let _ = write!(
            extra,
            "<tr><th>configuration ({n})</th><td>{}</td></tr>",
            escape(config)
        );
    }
    if !extra.is_empty() {
        let _ = write!(h, "<table class=\"config\">{extra}</table>");
    }
    for (kind, reasons) in &t.rejects {
        let _ = write!(
            h,
            "<p>rejected <b>{}</b> × {}: {}</p>",
            escape(kind),
            reasons.len(),
            escape(reasons.first().map_or("", String::as_str))
        );
    }
    h.push_str("<div class=\"charts\">");
    h.push_str(&finished_over_time(&t.finished));
    h.push_str("</div><h2>Quality at a glance</h2><div class=\"charts\">");
    let outcomes: BTreeMap<String, usize> = t.outcomes.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    h.push_str(&bars("outcomes (worst chunk of each record)", &outcomes));
    h.push_str(&bars("gate checks failed (chunks kept)", &t.gate_checks));
    h.push_str(&bars("suspicions by check", &t.suspicion_checks));
    for (style, scores) in &t.scores {
        h.push_str(&histogram(&format!("{style}: fidelity score"), scores, 0.0, 1.0));
        if let Some(r) = t.length_ratios.get(style) {
            h.push_str(&histogram(&format!("{style}: length ratio"), r, 0.0, 3.0));
        }
        if let Some(c) = t.copy_ratios.get(style) {
            h.push_str(&histogram(&format!("{style}: copy ratio"), c, 0.0, 1.0));
        }
    }
    if t.generated > 0 {
        h.push_str(&bars("generated sections: QC", &t.qc_checks));
        h.push_str(&bars("generated sections: consistency pass", &t.consistency));
    }
    h.push_str("</div>");
    generated(&mut h, t, texts);
    // Browse.
    let options = |values: Vec<String>| -> String {
        let mut o = String::from("<option value=\"\">all</option>");
        for v in values {
            let _ = write!(o, "<option value=\"{0}\">{0}</option>", escape(&v));
        }
        o
    };
    let mut checks: Vec<String> = t
        .gate_checks
        .keys()
        .chain(t.suspicion_checks.keys())
        .cloned()
        .collect();
    checks.sort();
    checks.dedup();
    let _ = write!(
        h,
        "<h2>Records</h2><p><span id=\"shown\">{}</span> shown of a sample of {} (of {seen} records). style <select id=\"f-style\">{}</select> outcome <select id=\"f-outcome\">{}</select> check <select id=\"f-check\">{}</select></p>",
        shown.len(),
        shown.len(),
        options(t.by_style.keys().cloned().collect()),
        options(t.outcomes.keys().map(|k| (*k).to_owned()).collect()),
        options(checks)
    );
    h.push_str("<table id=\"records\"><thead><tr><th>id</th><th>style</th><th>outcome</th><th>score</th><th>attempts</th><th>findings</th><th>tokens</th></tr></thead><tbody>");
    for (i, s) in shown.iter().enumerate() {
        let checks: Vec<&str> = s
            .checks_failed
            .iter()
            .map(String::as_str)
            .chain(s.suspicions.iter().map(|x| x.0.as_str()))
            .collect();
        let _ = write!(
            h,
            "<tr data-style=\"{}\" data-outcome=\"{}\" data-checks=\"{}\"><td><a href=\"#r-{i}\">{}</a></td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.style),
            escape(s.outcome),
            escape(&checks.join(" ")),
            escape(&s.id),
            escape(&s.style),
            escape(s.outcome),
            s.score,
            s.attempts,
            s.findings.len() + s.suspicions.len(),
            s.tokens
        );
    }
    h.push_str("</tbody></table>");
    for (i, s) in shown.iter().enumerate() {
        let mut source_quotes: Vec<&str> = s.suspicions.iter().filter_map(|x| x.1.as_deref()).collect();
        let mut rewrite_quotes: Vec<&str> = s.suspicions.iter().filter_map(|x| x.2.as_deref()).collect();
        for f in &s.findings {
            source_quotes.extend(quoted(f));
            rewrite_quotes.extend(quoted(f));
        }
        let _ = write!(
            h,
            "<section class=\"record\" id=\"r-{i}\"><h3>{} — {} — {}</h3>",
            escape(&s.id),
            escape(&s.style),
            escape(s.outcome)
        );
        let source = s.source.as_deref().map_or_else(
            || "<i>the source is not in this report (give --input)</i>".to_owned(),
            |src| marked(src, &source_quotes),
        );
        let _ = write!(
            h,
            "<div class=\"pair\"><div><b>source</b><pre class=\"source\">{source}</pre></div><div><b>rewrite</b><pre class=\"rewrite\">{}</pre></div></div><ul>",
            marked(&s.rewrite, &rewrite_quotes)
        );
        for f in &s.findings {
            let _ = write!(h, "<li>gate: {}</li>", escape(f));
        }
        for (check, _, _, why) in &s.suspicions {
            let _ = write!(h, "<li>suspicion ({}): {}</li>", escape(check), escape(why));
        }
        h.push_str("</ul>");
        for (attempt, score, findings, text) in &s.failed_attempts {
            let quotes: Vec<&str> = findings.iter().flat_map(|f| quoted(f)).collect();
            let _ = write!(
                h,
                "<details class=\"attempt\"><summary>attempt {attempt} (score {score:.2}, failed): {}</summary><pre>{}</pre></details>",
                escape(&findings.join("; ")),
                marked(text, &quotes)
            );
        }
        h.push_str("</section>");
    }
    let _ = write!(h, "<script>{SCRIPT}</script></body></html>");
    h
}

/// Generated texts: a table of the sampled ones, each opening (`#t-N`) as
/// its plan section by section — key points ticked or not, what QC found,
/// what the consistency pass did — beside the section's text.
fn generated(h: &mut String, t: &Totals, texts: &[ShownText]) {
    if texts.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>Generated texts</h2><p>{} shown of {} texts ({} passed QC).</p><table id=\"texts\"><thead><tr><th>id</th><th>topic</th><th>QC</th><th>sections passed</th><th>calls</th><th>tokens</th></tr></thead><tbody>",
        texts.len(),
        t.generated,
        t.qc_passed
    );
    for (i, x) in texts.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td><a href=\"#t-{i}\">{}</a></td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td></tr>",
            escape(&x.id),
            escape(&x.topic),
            if x.passed { "passed" } else { "failed" },
            x.sections.iter().filter(|s| s.passed).count(),
            x.sections.len(),
            x.calls,
            x.tokens
        );
    }
    h.push_str("</tbody></table>");
    for (i, x) in texts.iter().enumerate() {
        let _ = write!(
            h,
            "<section class=\"record text\" id=\"t-{i}\"><h3>{} — {} — QC {}</h3>",
            escape(&x.id),
            escape(&x.topic),
            if x.passed { "passed" } else { "failed" }
        );
        for s in &x.sections {
            let _ = write!(
                h,
                "<h4>{} — {} ({} draft{}; consistency: {})</h4><div class=\"pair\"><div><b>plan</b><ul class=\"key-points\">",
                escape(&s.title),
                if s.passed { "passed" } else { "failed" },
                s.drafts,
                if s.drafts == 1 { "" } else { "s" },
                escape(&s.consistency)
            );
            for (point, covered) in &s.key_points {
                let _ = write!(
                    h,
                    "<li class=\"{}\">{} {}</li>",
                    if *covered { "covered" } else { "missing" },
                    if *covered { "✓" } else { "✗" },
                    escape(point)
                );
            }
            h.push_str("</ul>");
            for f in &s.findings {
                let _ = write!(h, "<p>QC: {}</p>", escape(f));
            }
            let _ = write!(
                h,
                "</div><div><b>text</b><pre class=\"section-text\">{}</pre></div></div>",
                escape(&s.text)
            );
        }
        h.push_str("</section>");
    }
}

/// A spreadsheet cell: quoted, and never read as a formula.
fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The review sheet: one row a shown record, empty verdict and note.
pub(crate) fn review_csv(shown: &[Shown], page: &Path) -> String {
    let name = page
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = String::from("id,style,outcome,score,link,verdict,note\n");
    for (i, s) in shown.iter().enumerate() {
        let _ = writeln!(
            out,
            "{},{},{},{:.2},{},,",
            cell(&s.id),
            cell(&s.style),
            cell(s.outcome),
            s.score,
            cell(&format!("{name}#r-{i}"))
        );
    }
    out
}
