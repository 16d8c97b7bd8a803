//! Case-insensitive "contains" search that compiles through [`crate::AnyConnection`] on both
//! engines (`ilike` does not): `lower(column) LIKE pattern ESCAPE '\'`.

diesel::define_sql_function! {
    /// SQL `lower()`: case-insensitive search on both engines.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern finding `q` anywhere, lower-cased, with `\`, `%` and `_` escaped by `\`.
pub fn contains_pattern(q: &str) -> String {
    let mut pattern = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_lower_cased_and_escape_the_wildcards() {
        assert_eq!(contains_pattern("Farm"), "%farm%");
        assert_eq!(contains_pattern(r"50%_a\b"), r"%50\%\_a\\b%");
    }
}
