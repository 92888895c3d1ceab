//! How Az compares names: context keys, environment names and member names match ignoring case
//! (.NET's ordinal-ignore-case). The ASCII fast path is exact; elsewhere the per-character lowercase
//! mappings are compared (Unicode simple case folding, near enough).

use std::cmp::Ordering;

/// Whether `a` and `b` are equal ignoring case.
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The folded form of `s`, such that `fold_case(a) == fold_case(b)` exactly when `eq_ignore_case(a, b)`.
pub fn fold_case(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.chars().flat_map(char::to_lowercase).collect()
    }
}

/// Ordinal-ignore-case ordering (compares the folded forms), used for deterministic sorting.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        let ai = a.bytes().map(|c| c.to_ascii_lowercase());
        let bi = b.bytes().map(|c| c.to_ascii_lowercase());
        return ai.cmp(bi);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rules() {
        assert!(eq_ignore_case("ÄbC", "äBc"));
        assert!(!eq_ignore_case("a", "ab"));
        assert_eq!(fold_case("ÄB"), "äb");
        assert_eq!(cmp_ignore_case("a", "B"), Ordering::Less);
        assert_eq!(cmp_ignore_case("É", "é"), Ordering::Equal);
    }
}
