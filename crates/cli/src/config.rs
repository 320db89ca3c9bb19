//! The optional `--config` TOML file: defaults for flags. Flags and the
//! environment win over it. Unknown keys are an error naming the key.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub model: Option<String>,
    #[serde(default)]
    pub base_urls: Vec<String>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub max_in_flight: Option<usize>,
    pub stream: Option<bool>,
    pub server_priority: Option<bool>,
    pub price_input: Option<f64>,
    pub price_output: Option<f64>,
    pub styles: Option<Vec<String>>,
    pub chunk_tokens: Option<usize>,
    pub overlap_tokens: Option<usize>,
    pub prefix_window_tokens: Option<usize>,
    pub window_layout: Option<crate::Layout>,
    pub history_tokens: Option<usize>,
}

impl FileConfig {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            // Never the offending text: an API key pasted into the file
            // would be printed. The line and what is wrong are enough.
            let line = e
                .span()
                .map(|s| {
                    format!(
                        ", line {}",
                        text[..s.start.min(text.len())].matches('\n').count() + 1
                    )
                })
                .unwrap_or_default();
            anyhow!(
                "in the config file {}{line}: {}",
                path.display(),
                without_quoted(e.message())
            )
        })
    }
}

/// `message` with the text between double quotes (values) blanked out
/// (`invalid type: string "sk-…"` → `invalid type: string "…"`); field
/// names in backticks are kept, they are ours.
fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if inside {
                out.push('…');
            }
            inside = !inside;
            out.push(c);
        } else if !inside {
            out.push(c);
        }
    }
    out
}
