//! The optional `--config` TOML file: defaults for flags. Flags and the
//! environment win over it. Unknown keys are an error naming the key.

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
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
    /// `[style_bounds.expert-terse]` `length_band = [0.3, 1.2]`,
    /// `min_content_recall = 0.2`: a style's gate bounds.
    #[serde(default)]
    pub style_bounds: std::collections::BTreeMap<String, StyleBoundsToml>,
}

/// One style's bounds in the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StyleBoundsToml {
    pub length_band: Option<[f64; 2]>,
    pub min_content_recall: Option<f64>,
}

impl FileConfig {
    /// The style bounds, checked: a known style, a band with 0 < low < high,
    /// a recall floor in [0, 1].
    pub(crate) fn style_bounds(
        &self,
    ) -> Result<std::collections::BTreeMap<String, chunksynth_rephrase::StyleBounds>> {
        let mut out = std::collections::BTreeMap::new();
        for (name, bounds) in &self.style_bounds {
            if chunksynth_prompts::style(name).is_none() {
                return Err(anyhow!(
                    "in the config file: [style_bounds.{name}] names no style; `chunksynth styles` lists them"
                ));
            }
            if let Some([lo, hi]) = bounds.length_band
                && !(lo > 0.0 && lo < hi && hi.is_finite())
            {
                return Err(anyhow!(
                    "in the config file: [style_bounds.{name}] length_band must be [low, high] with 0 < low < high (got [{lo}, {hi}])"
                ));
            }
            if let Some(r) = bounds.min_content_recall
                && !(0.0..=1.0).contains(&r)
            {
                return Err(anyhow!(
                    "in the config file: [style_bounds.{name}] min_content_recall must be between 0 and 1 (got {r})"
                ));
            }
            out.insert(
                name.clone(),
                chunksynth_rephrase::StyleBounds {
                    length_band: bounds.length_band.map(|[lo, hi]| (lo, hi)),
                    min_content_recall: bounds.min_content_recall,
                },
            );
        }
        Ok(out)
    }
}

impl FileConfig {
    pub(crate) fn load(path: &Path) -> Result<Self> {
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
