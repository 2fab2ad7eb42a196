//! The core's catalogue limits, used as they are: the builder writes only
//! what the core accepts (it depends on the core for the estimator anyway).

pub use ondevice::core::limits::{
    check_id, MAX_CATALOGUE_BYTES, MAX_CATEGORIES, MAX_ID_BYTES, MAX_ITEMS, MAX_ITEM_CATEGORIES,
    MAX_LABEL_BYTES, MAX_NEIGHBOURS, MAX_NUMBER, MAX_TITLE_BYTES,
};

/// Latest timestamp JS can represent (ms since epoch), as the builder's integer.
pub const MAX_TIMESTAMP_MS: i64 = ondevice::core::limits::MAX_TIMESTAMP_MS as i64;
