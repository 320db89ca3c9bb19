//! A name kept with a word of it cut to its first letters and a stop
//! (Площадь Восстания → Пл. Восстания, Technological Institute → Technol.
//! Institute): what a terse note writes, the name itself.

/// Whether `rewrite` has `name` (two words or more) with some of its words
/// cut (two letters or more and a stop, or a two-letter contraction), the
/// rest whole, in order.
pub(crate) fn kept_with_words_cut(rewrite: &crate::analysis::Analysis, name: &str) -> bool {
    let parts: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    // Words of letters only: a command or a path (backup.timer) is no
    // name to cut.
    if parts.len() < 2 || !parts.iter().all(|p| p.chars().all(char::is_alphabetic)) {
        return false;
    }
    let lower = rewrite.lower();
    let mut starts = lower.char_indices().map(|(i, _)| i).filter(|&i| {
        i == 0
            || lower[..i]
                .chars()
                .next_back()
                .is_some_and(|c| !c.is_alphanumeric())
    });
    starts.any(|start| {
        let mut rest = &lower[start..];
        let mut cut_any = false;
        for (k, part) in parts.iter().enumerate() {
            if k > 0 {
                let trimmed = rest.trim_start();
                if trimmed.len() == rest.len() {
                    return false;
                }
                rest = trimmed;
            }
            if let Some(after) = rest.strip_prefix(part.as_str())
                && !after.starts_with(char::is_alphanumeric)
            {
                rest = after;
                continue;
            }
            // A cut word: its first letters (two or more, fewer than all)
            // and a stop (Пл., Obs.), or its first and last letters, with
            // a stop or without (Mt for Mount, St. for Saint).
            let cut: &str = &rest[..rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len())];
            let letters = cut.chars().count();
            let stopped = rest[cut.len()..].starts_with('.');
            let prefix = stopped && part.starts_with(cut);
            let contraction = letters == 2
                && part.starts_with(cut.chars().next().unwrap_or(' '))
                && part.ends_with(cut.chars().last().unwrap_or(' '));
            if letters < 2 || letters >= part.chars().count() || !(prefix || contraction) {
                return false;
            }
            cut_any = true;
            rest = &rest[cut.len() + usize::from(stopped)..];
        }
        cut_any
    })
}

#[cfg(test)]
mod tests {
    /// [`super::kept_with_words_cut`] of a text.
    fn kept_with_words_cut(rewrite: &str, name: &str) -> bool {
        super::kept_with_words_cut(&crate::analysis::Analysis::new(rewrite), name)
    }

    #[test]
    fn a_name_with_a_word_cut_to_its_first_letters_is_kept() {
        assert!(kept_with_words_cut(
            "уч. «Пл. Восстания» — «Автово»",
            "Площадь Восстания"
        ));
        assert!(kept_with_words_cut(
            "8 ст.: Пл. Восстания, Владимирская",
            "Площадь Восстания"
        ));
        // Not another name's cut, nor the name's words apart.
        assert!(!kept_with_words_cut(
            "уч. «Пл. Ленина» — «Автово»",
            "Площадь Восстания"
        ));
        assert!(!kept_with_words_cut("Площадь, Восстания", "Площадь Восстания"));
        // Whole, it is kept the usual way, not by this reading.
        assert!(!kept_with_words_cut("Площадь Восстания", "Площадь Восстания"));
        assert!(!kept_with_words_cut("П. Восстания", "Площадь Восстания"));
        // A contraction, with its stop or without.
        assert!(kept_with_words_cut(
            "Mt Washington Obs. (New Hampshire)",
            "Mount Washington Observatory"
        ));
        assert!(!kept_with_words_cut(
            "Mx Washington Obs.",
            "Mount Washington Observatory"
        ));
        assert!(!kept_with_words_cut(
            "systemctl enable backup.service",
            "systemctl enable backup.timer"
        ));
    }
}
