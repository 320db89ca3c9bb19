//! What a chunk's prompt shows of the document around it: one owner for the
//! three [`WindowLayout`]s and for the shrink a context overflow asks for.

use chunksynth_chunking::{Chunk, Tokenizer, prefix_window};
use chunksynth_prompts::EarlierTurn;

use crate::pipeline::{PipelineConfig, WindowLayout};

/// What one prompt shows around its chunk.
pub(crate) struct Shown<'a> {
    /// Rewritten text before the chunk (or before the conversation's first).
    pub(crate) window: &'a str,
    /// Source text before the chunk (or before the conversation's first).
    pub(crate) context: &'a str,
    /// Earlier chunks and their rewrites, as chat turns (a conversation).
    pub(crate) earlier: &'a [EarlierTurn],
}

/// The window state of one document as its chunks are rewritten in order.
pub(crate) struct PromptWindow<'t> {
    layout: WindowLayout,
    tokenizer: &'t dyn Tokenizer,
    /// `prefix_window_tokens`.
    tokens: usize,
    history_tokens: usize,
    /// [`WindowLayout::Sticky`]: where the window starts in the rewritten text.
    sticky_start: usize,
    conversation: Conversation,
}

impl<'t> PromptWindow<'t> {
    pub(crate) fn new(config: &PipelineConfig, tokenizer: &'t dyn Tokenizer) -> Self {
        Self {
            layout: config.window_layout,
            tokenizer,
            tokens: config.prefix_window_tokens,
            history_tokens: config.history_tokens,
            sticky_start: 0,
            conversation: Conversation::default(),
        }
    }

    /// What the prompt for `chunk` shows, `produced` being the document
    /// rewritten so far.
    pub(crate) fn shown<'a>(&'a mut self, text: &'a str, chunk: &Chunk, produced: &'a str) -> Shown<'a> {
        let context = &text[chunk.context.clone()];
        match self.layout {
            WindowLayout::Rolling => Shown {
                window: prefix_window(produced, self.tokenizer, self.tokens),
                context,
                earlier: &[],
            },
            WindowLayout::Sticky => {
                let current = &produced[self.sticky_start.min(produced.len())..];
                let window = if self.tokenizer.count(current) <= self.tokens.saturating_mul(2) {
                    current.trim_start()
                } else {
                    let fresh = prefix_window(produced, self.tokenizer, self.tokens);
                    self.sticky_start = produced.len() - fresh.len();
                    fresh
                };
                Shown {
                    window,
                    context,
                    earlier: &[],
                }
            }
            WindowLayout::Conversation => {
                let c = &mut self.conversation;
                if c.turns.is_empty() {
                    // A new conversation opens with the rolling prompt.
                    c.window = prefix_window(produced, self.tokenizer, self.tokens).to_owned();
                    c.context = context.to_owned();
                }
                Shown {
                    window: &c.window,
                    context: &c.context,
                    earlier: &c.turns,
                }
            }
        }
    }

    /// After a context overflow: a rolling window of `tokens` (0: none) and
    /// no earlier turns — the conversation's history is what overflowed.
    pub(crate) fn shrunk<'a>(
        tokenizer: &dyn Tokenizer,
        text: &'a str,
        chunk: &Chunk,
        produced: &'a str,
        tokens: usize,
    ) -> Shown<'a> {
        Shown {
            window: prefix_window(produced, tokenizer, tokens),
            context: &text[chunk.context.clone()],
            earlier: &[],
        }
    }

    /// Records a chunk's rewrite: a conversation takes it as a turn, and
    /// ends once it holds `history_tokens` or when the chunk's prompt had
    /// to leave it (`shrunk`).
    pub(crate) fn rewritten(&mut self, passage: &str, passage_tokens: usize, rewrite: &str, shrunk: bool) {
        if self.layout != WindowLayout::Conversation {
            return;
        }
        let c = &mut self.conversation;
        c.tokens += passage_tokens + self.tokenizer.count(rewrite);
        c.turns.push(EarlierTurn {
            passage: passage.to_owned(),
            rewrite: rewrite.to_owned(),
        });
        if shrunk || c.tokens >= self.history_tokens {
            c.turns.clear();
            c.tokens = 0;
        }
    }
}

/// The state of [`WindowLayout::Conversation`] for one document.
#[derive(Default)]
struct Conversation {
    /// The opening prompt's window and context, kept so that every later
    /// prompt starts with the same bytes.
    window: String,
    context: String,
    turns: Vec<EarlierTurn>,
    tokens: usize,
}
