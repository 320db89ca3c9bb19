//! Length against a target: LongWriter's length score S_l (Bai et al. 2024).

/// S_l in [0, 100] for an output of `actual` units against a target of
/// `target`: 100·max(0, 1 − (l'/l − 1)/3) when longer,
/// 100·max(0, 1 − (l/l' − 1)/2) when shorter. An empty output scores 0; a
/// zero target scores 100 only for an empty output.
pub fn length_score(target: usize, actual: usize) -> f64 {
    if target == 0 {
        return if actual == 0 { 100.0 } else { 0.0 };
    }
    if actual == 0 {
        return 0.0;
    }
    let (l, lp) = (target as f64, actual as f64);
    if lp > l {
        100.0 * (1.0 - (lp / l - 1.0) / 3.0).max(0.0)
    } else {
        100.0 * (1.0 - (l / lp - 1.0) / 2.0).max(0.0)
    }
}
