//! Paging of list endpoints: `?limit=&offset=` in, `{"items": [...], "total": N}` out.

/// A validated window into a list; construct with [`Page::new`] so limits are always in range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    limit: i64,
    offset: i64,
}

/// Which paging parameter is out of range, and why; the API answers 422 with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PageError {
    /// `limit` or `offset`.
    pub field: &'static str,
    /// What the allowed range is.
    pub message: String,
}

impl Page {
    /// Used when the caller gives no limit.
    pub const DEFAULT_LIMIT: i64 = 50;
    /// The largest page anyone may ask for.
    pub const MAX_LIMIT: i64 = 500;

    /// Checks `limit` (1..=500, default 50) and `offset` (≥ 0, default 0).
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Self, PageError> {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT);
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(PageError {
                field: "limit",
                message: format!("must be between 1 and {}", Self::MAX_LIMIT),
            });
        }
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(PageError {
                field: "offset",
                message: "must not be negative".into(),
            });
        }
        Ok(Self { limit, offset })
    }

    /// Rows to return.
    pub fn limit(self) -> i64 {
        self.limit
    }

    /// Rows to skip.
    pub fn offset(self) -> i64 {
        self.offset
    }
}

impl Default for Page {
    fn default() -> Self {
        Self {
            limit: Self::DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// One page of results and the size of the whole list, so clients can page without guessing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows the whole (filtered) list has.
    pub total: i64,
}

impl<T> Paged<T> {
    /// Converts every item, keeping the total.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(Page::new(None, None).unwrap(), Page::default());
        assert_eq!(Page::new(Some(500), Some(10)).unwrap().limit(), 500);
        assert_eq!(Page::new(Some(0), None).unwrap_err().field, "limit");
        assert_eq!(Page::new(Some(501), None).unwrap_err().field, "limit");
        assert_eq!(Page::new(None, Some(-1)).unwrap_err().field, "offset");
    }
}
