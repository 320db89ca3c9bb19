//! Lossless, structure-aware chunking for chunk-wise rewriting.
//!
//! Pure: no async, no I/O (the one exception is reading a `tokenizer.json`
//! named by a [`TokenizerSpec`]). Three guarantees every caller relies on:
//!
//! - a [`ChunkPlan`]'s spans tile the input exactly, so nothing is lost or
//!   duplicated at seams;
//! - [`stitch`](fn@stitch) puts the source's own separators back, so an identity rewrite
//!   gives the input back byte for byte;
//! - every cut lies on a `char` boundary, whatever the tokenizer.
//!
//! Overlap is *context*, never a second copy of text to rewrite: each chunk
//! carries a read-only span of the source before it.
//!
//! ```
//! use chunksynth_chunking::{ChunkConfig, ChunkPlan, TokenizerSpec, prefix_window, stitch};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let text = "# Title\n\nFirst paragraph.\n\nSecond paragraph, a little longer.\n";
//! let tokenizer = "o200k".parse::<TokenizerSpec>()?.load()?;
//! let plan = ChunkPlan::new(text, tokenizer.as_ref(), ChunkConfig::new(8, 4)?);
//! assert!(plan.chunks.len() > 1);
//! // Rewrite each chunk's body (here: upper-case it), then stitch.
//! let rewrites: Vec<String> = plan.chunks.iter().map(|c| text[c.body.clone()].to_uppercase()).collect();
//! let document = stitch(text, &plan, &rewrites)?;
//! assert_eq!(document, text.to_uppercase());
//! let window = prefix_window(&document, tokenizer.as_ref(), 4);
//! assert!(document.ends_with(window));
//! # Ok(())
//! # }
//! ```

// The bottom of the graph: every public item says what it is.
#![warn(missing_docs)]

pub mod plan;
mod pretokenize;
pub mod stitch;
pub mod structure;
pub mod tokenizer;
pub mod units;
mod vocabulary;
pub mod window;

pub use plan::{Chunk, ChunkConfig, ChunkConfigError, ChunkPlan};
pub use stitch::{StitchError, stitch};
pub use structure::BoundaryKind;
pub use tokenizer::{
    CharTokenizer, HuggingFaceTokenizer, TiktokenTokenizer, TokenSpan, Tokenizer, TokenizerError,
    TokenizerSpec, WordTokenizer,
};
pub use window::prefix_window;
