//! How many of the source's numbers an extract keeps, for the extracts
//! that keep the knowledge (a distillation, a knowledge list): cut to one
//! or two sentences, such an output still keeps half of the source's
//! content words when they are few and common, but not its numbers. The
//! styles that pick what they keep (questions, problems) set no floor.

use crate::analysis::Analysis;
use crate::numbers::{Quantity, same_quantity};

use super::{Verdict, pass};

/// Below this many distinct numbers in the source, the share kept says
/// little: one left out of three is a third.
const MIN_SOURCE_NUMBERS: usize = 4;

/// A text's distinct numbers, in order.
fn distinct_numbers<'t>(text: &'t Analysis) -> Vec<&'t Quantity> {
    let mut out: Vec<&Quantity> = Vec::new();
    for m in text.numbers() {
        if !out.iter().any(|q| same_quantity(q, &m.quantity, 0.0)) {
            out.push(&m.quantity);
        }
    }
    out
}

/// The share of the source's distinct numbers the rewrite has in some
/// mention, against `min_share`: a failure names how many it keeps.
pub(super) fn check_number_recall(source: &Analysis, rewrite: &Analysis, min_share: f64) -> Verdict {
    let wanted = distinct_numbers(source);
    if wanted.len() < MIN_SOURCE_NUMBERS {
        return pass();
    }
    let got = distinct_numbers(rewrite);
    let kept = wanted
        .iter()
        .filter(|q| got.iter().any(|g| same_quantity(q, g, 0.0)))
        .count();
    let share = kept as f64 / wanted.len() as f64;
    if share >= min_share {
        return (share, true, Vec::new());
    }
    let finding = format!(
        "only {kept} of the source's {} numbers are kept ({:.0}%; at least {:.0}% needed)",
        wanted.len(),
        share * 100.0,
        min_share * 100.0
    );
    (share, false, vec![finding])
}

#[cfg(test)]
mod tests {
    use crate::analysis::Analysis;

    /// [`super::check_number_recall`] of two texts.
    fn check_number_recall(source: &str, rewrite: &str, min_share: f64) -> super::Verdict {
        super::check_number_recall(&Analysis::new(source), &Analysis::new(rewrite), min_share)
    }

    #[test]
    fn an_extract_cut_to_a_sentence_keeps_too_few_of_the_sources_numbers() {
        let source = "The club was founded in December 1949 and joined the league in 1950. \
                      In 1951 citizens raised funds in a sake barrel. The stadium opened in 2009 \
                      with 33,000 seats and cost 9 billion yen.";
        let (share, passed, findings) = check_number_recall(
            source,
            "Founded in December 1949, the club joined the league in 1950 and was saved by \
             a barrel fund in 1951; its 33,000-seat stadium (2009) cost 9 billion yen.",
            0.5,
        );
        assert!(passed && share > 0.99, "{findings:?}");
        let (_, passed, findings) = check_number_recall(
            source,
            "The club was founded in December 1949 and joined the league in 1950.",
            0.5,
        );
        assert!(!passed);
        assert_eq!(
            findings,
            ["only 2 of the source's 6 numbers are kept (33%; at least 50% needed)"]
        );
        // A source with few numbers sets no bar.
        assert!(check_number_recall("Founded in 1949, it joined in 1950.", "It was founded.", 0.5).1);
    }
}
