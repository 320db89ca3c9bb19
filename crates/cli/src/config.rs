//! The optional `--config` TOML file: defaults for flags. Flags and the
//! environment win over it. Unknown keys are an error naming the key.

use std::path::Path;

use anyhow::{Context, Result};
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
        toml::from_str(&text).with_context(|| format!("in the config file {}", path.display()))
    }
}
